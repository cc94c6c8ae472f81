package dev.meshlet.tls.ca;

import java.security.GeneralSecurityException;
import java.util.Objects;

/** The CA refused to sign a certificate signing request; the message says why. */
public final class CsrRejectedException extends GeneralSecurityException {

  /** Why a CSR was refused, for callers that map refusals to status codes or metrics. */
  public enum Reason {
    MALFORMED,
    BAD_SIGNATURE,
    WEAK_KEY,
    IDENTITY_MISMATCH,
    EXTRA_SUBJECT_ALT_NAME,
    TTL_OUT_OF_RANGE
  }

  private final Reason reason;

  public CsrRejectedException(Reason reason, String message) {
    super("CSR refused (" + reason + "): " + message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public CsrRejectedException(Reason reason, String message, Throwable cause) {
    super("CSR refused (" + reason + "): " + message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
