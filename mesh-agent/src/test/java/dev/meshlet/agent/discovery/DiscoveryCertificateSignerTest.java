package dev.meshlet.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.tls.ca.CsrRejectedException;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.workload.CertificateRequests;
import dev.meshlet.tls.workload.SignedCertificate;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates from the real discovery server's CA, over its TLS API. */
class DiscoveryCertificateSignerTest {
  @TempDir Path tmp;
  private LocalDiscovery server;
  private final OkHttpClient base = new OkHttpClient();

  @BeforeEach
  void start() throws Exception {
    server = LocalDiscovery.start(tmp.resolve("data"));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    base.connectionPool().evictAll();
    base.dispatcher().executorService().shutdown();
  }

  private DiscoveryConfig config(String service, String token) throws Exception {
    return DiscoveryConfig.builder()
        .servers(server.url())
        .token(token)
        .identity(service, "default", service)
        .address("10.0.0.1")
        .ports(Map.of("http", 9080))
        .trustedRoots(server.roots())
        .build();
  }

  @Test
  void aFreshWorkloadGetsItsCertificateWithItsTokenAndRenewsWithItOverMtls() throws Exception {
    DiscoveryCertificateSigner signer = DiscoveryCertificateSigner.create(config("productpage", server.token("productpage", "default")), base);
    assertThat(signer.identity()).isEqualTo(SpiffeId.parse("spiffe://cluster.local/ns/default/sa/productpage"));
    try (WorkloadCertificateManager certs = WorkloadCertificateManager.builder(signer.identity(), signer).start()) {
      assertThat(certs.current().spiffeId()).isEqualTo(signer.identity());
      assertThat(certs.current().trustBundle().roots()).containsExactlyElementsOf(server.roots());
      signer.authenticateWith(certs.keyManager());
      long first = certs.current().generation();
      assertThat(certs.rotateNow().generation()).isGreaterThan(first);

      // Proof that the certificate alone is the credential: a signer whose token the server
      // does not know gets a certificate over mTLS, and is refused without it.
      DiscoveryCertificateSigner unknownToken = DiscoveryCertificateSigner.create(config("productpage", "mlb_unknown"), base);
      byte[] csr = CertificateRequests.create(KeyType.EC_P256.generate(new SecureRandom()), signer.identity());
      assertThatThrownBy(() -> unknownToken.sign(csr, Duration.ofHours(1)))
          .isInstanceOf(GeneralSecurityException.class)
          .hasMessageContaining("HTTP 401");
      unknownToken.authenticateWith(certs.keyManager());
      SignedCertificate renewed = unknownToken.sign(csr, Duration.ofHours(1));
      assertThat(renewed.certificate().getSubjectAlternativeNames().iterator().next().get(1))
          .isEqualTo("spiffe://cluster.local/ns/default/sa/productpage");
    }
  }

  @Test
  void aTokenForServiceACannotGetACertificateForB() throws Exception {
    DiscoveryCertificateSigner asReviews = DiscoveryCertificateSigner.create(config("reviews", server.token("productpage", "default")), base);
    KeyPair keys = KeyType.EC_P256.generate(new SecureRandom());
    assertThatThrownBy(() -> asReviews.sign(CertificateRequests.create(keys, asReviews.identity()), Duration.ofHours(1)))
        .isInstanceOfSatisfying(CsrRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(CsrRejectedException.Reason.IDENTITY_MISMATCH))
        .hasMessageContaining("spiffe://cluster.local/ns/default/sa/productpage");
  }
}
