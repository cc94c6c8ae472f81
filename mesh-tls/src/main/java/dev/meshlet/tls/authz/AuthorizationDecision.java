package dev.meshlet.tls.authz;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of authorizing one request. A denial is answered as Envoy does: status 403 with the
 * body {@value #DENIED_BODY}; {@link #reason()} says which policy denied it (or that no ALLOW
 * policy matched) for logs, a response header and the denial counter.
 *
 * @param allowed whether the request may proceed
 * @param policy {@code namespace/name} of the policy that decided, or null when none did (no
 *     policy applies, or no ALLOW policy matched)
 * @param rule the index of the rule of {@code policy} that matched, or -1
 * @param reason why, in words
 * @param auditedBy {@code namespace/name} of the AUDIT policy that matched, or null
 * @param dryRun what the dry-run policies would have decided, when they would have denied; null
 *     when there are none or they would have allowed (never enforced)
 */
public record AuthorizationDecision(
    boolean allowed,
    @Nullable String policy,
    int rule,
    String reason,
    @Nullable String auditedBy,
    @Nullable String dryRun) {

  /** Envoy's status for a request RBAC denies. */
  public static final int DENIED_STATUS = 403;
  /** Envoy's body for a request RBAC denies. */
  public static final String DENIED_BODY = "RBAC: access denied";

  /** Allowed because no enforced ALLOW or DENY policy applies to the workload. */
  public static final AuthorizationDecision NO_POLICY =
      new AuthorizationDecision(true, null, -1, "no ALLOW or DENY policy applies", null, null);

  public AuthorizationDecision {
    Objects.requireNonNull(reason, "reason");
  }

  public boolean denied() {
    return !allowed;
  }

  /** Whether an AUDIT policy marked the request (it decides nothing). */
  public boolean audited() {
    return auditedBy != null;
  }

  /** Whether dry-run policies would have denied the request (it was not denied for that). */
  public boolean dryRunDenied() {
    return dryRun != null;
  }

  AuthorizationDecision with(@Nullable String auditedBy, @Nullable String dryRun) {
    if (auditedBy == null && dryRun == null) {
      return this;
    }
    return new AuthorizationDecision(allowed, policy, rule, reason, auditedBy, dryRun);
  }
}
