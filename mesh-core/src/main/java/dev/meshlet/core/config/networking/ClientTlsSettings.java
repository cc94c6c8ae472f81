package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The TLS a client uses toward a destination (Istio's ClientTLSSettings). ISTIO_MUTUAL uses the
 * mesh's own certificates; the file and credential fields serve SIMPLE and MUTUAL.
 *
 * @param caCrl a certificate revocation list file
 */
public record ClientTlsSettings(
    @Nullable TlsMode mode,
    @Nullable String clientCertificate,
    @Nullable String privateKey,
    @Nullable String caCertificates,
    @Nullable String credentialName,
    List<String> subjectAltNames,
    @Nullable String sni,
    @Nullable Boolean insecureSkipVerify,
    @Nullable String caCrl) {

  public ClientTlsSettings {
    subjectAltNames = Copies.list(subjectAltNames);
  }

  /** The client TLS modes. */
  public enum TlsMode {
    DISABLE,
    SIMPLE,
    MUTUAL,
    ISTIO_MUTUAL
  }
}
