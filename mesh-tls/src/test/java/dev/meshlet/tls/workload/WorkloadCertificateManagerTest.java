package dev.meshlet.tls.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.ca.CsrRejectedException;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.TrustDomain;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.pki.SpiffeCertificates;
import dev.meshlet.tls.pki.TrustBundle;
import dev.meshlet.tls.testing.MutableClock;
import java.io.IOException;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkloadCertificateManagerTest {

  static final SecureRandom RANDOM = new SecureRandom();
  static final SpiffeId REVIEWS = WorkloadIdentity.of("bookinfo", "reviews").spiffeId();

  final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
  final CertificateAuthority ca = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), clock, RANDOM);
  WorkloadCertificateManager manager;

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close();
    }
  }

  @Test
  void startsWithACertificateForItsIdentityMadeFromAKeyOfItsOwn() throws Exception {
    manager = WorkloadCertificateManager.builder(REVIEWS, new InProcessSigner(ca, REVIEWS)).clock(clock).start();

    CertificateSnapshot current = manager.current();
    assertThat(SpiffeCertificates.spiffeId(current.certificate())).isEqualTo(REVIEWS);
    assertThat(current.chain()).containsExactly(current.certificate(), ca.rootCertificate());
    assertThat(current.trustBundle()).isEqualTo(ca.trustBundle());
    assertThat(current.generation()).isEqualTo(1);
    assertThat(signs(current)).as("the private key matches the certificate").isTrue();
    assertThat(current.toString()).doesNotContain("PrivateKey").contains("spiffeId=" + REVIEWS);
  }

  @Test
  void rotatesAtHalfTheLifetimeByDefault() throws Exception {
    manager = WorkloadCertificateManager.builder(REVIEWS, new InProcessSigner(ca, REVIEWS)).clock(clock).start();

    assertThat(manager.current().issuedAt()).isEqualTo(clock.instant());
    assertThat(manager.current().expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));
    assertThat(manager.current().rotateAt()).isEqualTo(clock.instant().plus(Duration.ofHours(12)));
  }

  @Test
  void rotationSwapsKeyAliasAndCertificateButKeepsTheSslContextAndSocketFactory() throws Exception {
    manager = WorkloadCertificateManager.builder(REVIEWS, new InProcessSigner(ca, REVIEWS)).clock(clock).start();
    var context = manager.sslContext();
    var factory = manager.socketFactory();
    CertificateSnapshot first = manager.current();

    CertificateSnapshot second = manager.rotateNow();

    assertThat(second.alias()).isNotEqualTo(first.alias());
    assertThat(second.privateKey()).isNotEqualTo(first.privateKey());
    assertThat(second.certificate().getSerialNumber()).isNotEqualTo(first.certificate().getSerialNumber());
    assertThat(manager.sslContext()).isSameAs(context);
    assertThat(manager.socketFactory()).isSameAs(factory);
    assertThat(manager.keyManager().chooseServerAlias("EC", null, null)).isEqualTo(second.alias());
    assertThat(manager.keyManager().chooseClientAlias(new String[] {"RSA", "EC"}, null, null)).isEqualTo(second.alias());
    assertThat(manager.keyManager().chooseServerAlias("RSA", null, null)).as("no RSA key").isNull();
    // A handshake that picked the previous alias just before the swap still finds its key.
    assertThat(manager.keyManager().getPrivateKey(first.alias())).isEqualTo(first.privateKey());
    assertThat(manager.keyManager().getCertificateChain(first.alias())[0]).isEqualTo(first.certificate());

    manager.rotateNow();

    assertThat(manager.keyManager().getPrivateKey(first.alias())).as("two generations back").isNull();
    assertThat(manager.keyManager().getPrivateKey(second.alias())).isEqualTo(second.privateKey());
  }

  @Test
  void rotatesByItselfBeforeTheCertificateExpires() throws Exception {
    CertificateAuthority realTime = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), Clock.systemUTC(), RANDOM);
    manager = WorkloadCertificateManager.builder(REVIEWS, new InProcessSigner(realTime, REVIEWS))
        .ttl(Duration.ofSeconds(2)).rotationRatio(0.25).start();

    Instant deadline = Instant.now().plusSeconds(15);
    while (manager.current().generation() < 3) {
      assertThat(Instant.now()).as("third generation by the deadline").isBefore(deadline);
      Thread.sleep(10);
    }
    CertificateSnapshot current = manager.current();
    assertThat(current.rotateAt()).isBefore(current.expiresAt());
    assertThat(manager.lastError()).isEmpty();
  }

  @Test
  void theCaSignsOnlyTheIdentityTheSignerProves() {
    SpiffeId ratings = WorkloadIdentity.of("bookinfo", "ratings").spiffeId();

    assertThatThrownBy(() -> WorkloadCertificateManager.builder(REVIEWS, new InProcessSigner(ca, ratings)).start())
        .isInstanceOf(CsrRejectedException.class)
        .hasMessageContaining("asks for URI SAN " + REVIEWS + " but the caller proved " + ratings);
  }

  @Test
  void aFailedRotationKeepsTheCurrentCertificate() throws Exception {
    AtomicReference<IOException> outage = new AtomicReference<>();
    CertificateSigner flaky = (csr, ttl) -> {
      IOException e = outage.get();
      if (e != null) {
        throw e;
      }
      return new InProcessSigner(ca, REVIEWS).sign(csr, ttl);
    };
    manager = WorkloadCertificateManager.builder(REVIEWS, flaky).clock(clock).start();
    CertificateSnapshot before = manager.current();
    outage.set(new IOException("discovery server unreachable"));

    assertThatThrownBy(manager::rotateNow).hasMessage("discovery server unreachable");

    assertThat(manager.current()).isSameAs(before);
    assertThat(manager.lastError()).get().extracting(Throwable::getMessage).isEqualTo("discovery server unreachable");
    outage.set(null);
    assertThat(manager.rotateNow().generation()).isEqualTo(2);
    assertThat(manager.lastError()).isEmpty();
  }

  @Test
  void refusesASignerAnswerThatIsNotForItsKeyOrDoesNotChainToTheBundle() throws Exception {
    CertificateAuthority other = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), clock, RANDOM);
    AtomicReference<CertificateSigner> behaviour = new AtomicReference<>(new InProcessSigner(ca, REVIEWS));
    manager = WorkloadCertificateManager.builder(REVIEWS, (csr, ttl) -> behaviour.get().sign(csr, ttl))
        .clock(clock).start();
    CertificateSnapshot before = manager.current();

    behaviour.set((csr, ttl) -> new SignedCertificate(
        ca.sign(CertificateRequests.create(dev.meshlet.tls.pki.KeyType.EC_P256.generate(RANDOM), REVIEWS), REVIEWS)
            .chain(), ca.trustBundle()));
    assertThatThrownBy(manager::rotateNow).hasMessageContaining("certificate is not for the key of our CSR");

    behaviour.set((csr, ttl) -> new SignedCertificate(other.sign(csr, REVIEWS, ttl).chain(), ca.trustBundle()));
    assertThatThrownBy(manager::rotateNow).hasMessageContaining("does not chain to any of the 1 root(s)");

    assertThat(manager.current()).isSameAs(before);
  }

  @Test
  void takesANewTrustBundleOnlyOfItsTrustDomain() throws Exception {
    manager = WorkloadCertificateManager.builder(REVIEWS, new InProcessSigner(ca, REVIEWS)).clock(clock).start();
    CertificateAuthority next = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), clock, RANDOM);
    CertificateAuthority foreign = CertificateAuthority.selfSigned(CaConfig.of(TrustDomain.of("other.org")), clock, RANDOM);

    manager.updateTrustBundle(ca.trustBundle().withRoot(next.rootCertificate()));

    assertThat(manager.trustManager().getAcceptedIssuers()).containsExactly(ca.rootCertificate(), next.rootCertificate());
    TrustBundle wrong = foreign.trustBundle();
    assertThatThrownBy(() -> manager.updateTrustBundle(wrong))
        .hasMessage("trust bundle of other.org (expected: cluster.local, the trust domain of " + REVIEWS + ")");
  }

  private static boolean signs(CertificateSnapshot snapshot) throws Exception {
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(snapshot.privateKey());
    signer.update(new byte[] {1, 2, 3});
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(snapshot.certificate().getPublicKey());
    verifier.update(new byte[] {1, 2, 3});
    return verifier.verify(signature);
  }
}
