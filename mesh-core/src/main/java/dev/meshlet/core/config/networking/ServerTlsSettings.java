package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The TLS a listener serves (Istio's ServerTLSSettings), as a Sidecar ingress listener carries
 * it.
 *
 * @param tlsCertificates several certificate/key pairs (e.g. RSA and ECDSA); exclusive with the
 *     single-pair fields
 * @param credentialNames several credentials; exclusive with {@code credentialName}
 * @param caCertCredentialName for MUTUAL, a secret or config map holding only CA certificates
 */
public record ServerTlsSettings(
    @Nullable Boolean httpsRedirect,
    @Nullable TlsMode mode,
    @Nullable String serverCertificate,
    @Nullable String privateKey,
    @Nullable String caCertificates,
    @Nullable String caCrl,
    @Nullable String credentialName,
    @Nullable String caCertCredentialName,
    List<String> credentialNames,
    List<TlsCertificate> tlsCertificates,
    List<String> subjectAltNames,
    List<String> verifyCertificateSpki,
    List<String> verifyCertificateHash,
    @Nullable TlsProtocol minProtocolVersion,
    @Nullable TlsProtocol maxProtocolVersion,
    List<String> cipherSuites) {

  public ServerTlsSettings {
    credentialNames = Copies.list(credentialNames);
    tlsCertificates = Copies.list(tlsCertificates);
    subjectAltNames = Copies.list(subjectAltNames);
    verifyCertificateSpki = Copies.list(verifyCertificateSpki);
    verifyCertificateHash = Copies.list(verifyCertificateHash);
    cipherSuites = Copies.list(cipherSuites);
  }

  /** The server TLS modes. */
  public enum TlsMode {
    PASSTHROUGH,
    SIMPLE,
    MUTUAL,
    AUTO_PASSTHROUGH,
    ISTIO_MUTUAL,
    OPTIONAL_MUTUAL
  }

  /** TLS protocol versions. */
  public enum TlsProtocol {
    TLS_AUTO,
    TLSV1_0,
    TLSV1_1,
    TLSV1_2,
    TLSV1_3
  }

  /** One certificate/key pair served by the listener. */
  public record TlsCertificate(
      @Nullable String serverCertificate, @Nullable String privateKey, @Nullable String caCertificates) {}
}
