package dev.meshlet.tls.pki;

import dev.meshlet.tls.identity.SpiffeId;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads the SPIFFE ID out of an X.509 SVID, as the SPIFFE X.509-SVID spec defines it. */
public final class SpiffeCertificates {

  /** The GeneralName tag of a URI in a subject alternative name. */
  private static final int URI_NAME = 6;

  private SpiffeCertificates() {}

  /**
   * Returns the SPIFFE ID of {@code certificate}: its one URI SAN, parsed strictly. Fails with a
   * message naming the certificate when it has no URI SAN, several, or one that is not a valid
   * SPIFFE ID.
   */
  public static SpiffeId spiffeId(X509Certificate certificate) throws CertificateException {
    List<String> uris = uriSans(certificate);
    if (uris.isEmpty()) {
      throw new CertificateException(describe(certificate)
          + " has no URI subject alternative name (expected: exactly one, a SPIFFE ID)");
    }
    if (uris.size() > 1) {
      throw new CertificateException(describe(certificate) + " has " + uris.size()
          + " URI subject alternative names " + uris + " (expected: exactly one, a SPIFFE ID)");
    }
    try {
      return SpiffeId.parse(uris.get(0));
    } catch (IllegalArgumentException e) {
      throw new CertificateException(describe(certificate) + " has an invalid SPIFFE ID: " + e.getMessage(), e);
    }
  }

  /** The URI subject alternative names of {@code certificate}, in order. */
  public static List<String> uriSans(X509Certificate certificate) throws CertificateParsingException {
    Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
    List<String> uris = new ArrayList<>();
    if (sans != null) {
      for (List<?> san : sans) {
        if (((Integer) san.get(0)) == URI_NAME) {
          uris.add((String) san.get(1));
        }
      }
    }
    return uris;
  }

  /** A short description for error messages: the serial number and the subject or SAN. */
  public static String describe(X509Certificate certificate) {
    String subject = certificate.getSubjectX500Principal().getName();
    String name;
    if (!subject.isEmpty()) {
      name = "subject \"" + subject + "\"";
    } else {
      List<String> uris;
      try {
        uris = uriSans(certificate);
      } catch (CertificateParsingException e) {
        uris = List.of();
      }
      name = uris.isEmpty() ? "empty subject" : "SAN " + uris;
    }
    return "certificate " + name + " (serial " + certificate.getSerialNumber().toString(16) + ")";
  }
}
