package dev.meshlet.tls.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.TrustDomain;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.pki.TrustBundle;
import dev.meshlet.tls.testing.MutableClock;
import dev.meshlet.tls.testing.TestPki;
import dev.meshlet.tls.workload.CertificateRequests;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

class SpiffePeerVerifierTest {

  static final SecureRandom RANDOM = new SecureRandom();
  static final SpiffeId REVIEWS = WorkloadIdentity.of("bookinfo", "reviews").spiffeId();
  static final SpiffeId RATINGS = WorkloadIdentity.of("bookinfo", "ratings").spiffeId();

  final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
  final CertificateAuthority ca = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), clock, RANDOM);
  final TrustBundle bundle = ca.trustBundle();

  @Test
  void acceptsAWorkloadCertificateOfTheTrustDomainInEitherRole() throws Exception {
    X509Certificate[] chain = issue(ca, REVIEWS);

    for (PeerRole role : PeerRole.values()) {
      VerifiedPeer peer = SpiffePeerVerifier.verify(chain, role, bundle, AllowedPeers.any(), clock.instant());
      assertThat(peer.spiffeId()).isEqualTo(REVIEWS);
      assertThat(peer.principal()).isEqualTo("cluster.local/ns/bookinfo/sa/reviews");
    }
  }

  @Test
  void acceptsOnlyTheIdentitiesTheDestinationMayHave() throws Exception {
    X509Certificate[] chain = issue(ca, REVIEWS);

    assertThat(SpiffePeerVerifier.verify(chain, PeerRole.SERVER, bundle, AllowedPeers.only(REVIEWS, RATINGS),
        clock.instant()).spiffeId()).isEqualTo(REVIEWS);
    assertThatThrownBy(() -> SpiffePeerVerifier.verify(chain, PeerRole.SERVER, bundle,
        AllowedPeers.serviceAccounts(WorkloadIdentity.of("bookinfo", "ratings")), clock.instant()))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("SPIFFE ID spiffe://cluster.local/ns/bookinfo/sa/reviews is not one this peer may have"
            + " (expected: one of [spiffe://cluster.local/ns/bookinfo/sa/ratings])");
  }

  @Test
  void refusesAPeerWithoutCertificate() {
    assertThatThrownBy(() -> verify(new X509Certificate[0]))
        .hasMessage("mesh peer (CLIENT) sent no certificate (expected: a workload certificate of trust domain"
            + " cluster.local)");
  }

  @Test
  void refusesAnExpiredCertificate() throws Exception {
    X509Certificate[] chain = issue(ca, REVIEWS);
    clock.advance(Duration.ofHours(24).plusSeconds(1));

    assertThatThrownBy(() -> verify(chain))
        .hasMessageContaining("expired at 2026-03-02T10:00:00Z (now 2026-03-02T10:00:01Z)");
  }

  @Test
  void refusesACertificateNotYetValid() throws Exception {
    X509Certificate[] chain = issue(ca, REVIEWS);
    clock.set(Instant.parse("2026-03-01T09:00:00Z"));

    assertThatThrownBy(() -> verify(chain))
        .hasMessageContaining("not yet valid, valid from 2026-03-01T09:58:00Z (now 2026-03-01T09:00:00Z)");
  }

  @Test
  void refusesAnotherTrustDomain() throws Exception {
    CertificateAuthority other = CertificateAuthority.selfSigned(CaConfig.of(TrustDomain.of("other.org")), clock, RANDOM);
    X509Certificate[] chain = issue(other, SpiffeId.parse("spiffe://other.org/ns/bookinfo/sa/reviews"));

    assertThatThrownBy(() -> verify(chain))
        .hasMessageContaining("SPIFFE ID spiffe://other.org/ns/bookinfo/sa/reviews is in trust domain other.org"
            + " (expected: cluster.local)");
  }

  @Test
  void refusesACertificateFromAnotherCaOfTheSameTrustDomainName() throws Exception {
    CertificateAuthority impostor = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), clock, RANDOM);
    X509Certificate[] chain = issue(impostor, REVIEWS);

    assertThatThrownBy(() -> verify(chain))
        .hasMessageContaining("does not chain to any of the 1 root(s) of trust domain cluster.local");
  }

  @Test
  void refusesASelfSignedCertificate() {
    TestPki.Leaf self = TestPki.selfSigned(REVIEWS.toString(), clock.instant());

    assertThatThrownBy(() -> verify(self.chainArray()))
        .hasMessageContaining("is self-signed (expected: issued by a CA of trust domain cluster.local)");
  }

  @Test
  void refusesTheWrongExtendedKeyUsageForTheRole() throws Exception {
    TestPki pki = new TestPki("Test Root", clock.instant());
    TrustBundle testBundle = pki.bundle(TrustDomain.DEFAULT);
    X509Certificate[] serverOnly = pki.leaf(List.of(REVIEWS.toString()),
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth}, clock.instant(), clock.instant().plusSeconds(60)).chainArray();
    X509Certificate[] codeSigning = pki.leaf(List.of(REVIEWS.toString()),
        new KeyPurposeId[] {KeyPurposeId.id_kp_codeSigning}, clock.instant(), clock.instant().plusSeconds(60)).chainArray();

    assertThat(SpiffePeerVerifier.verify(serverOnly, PeerRole.SERVER, testBundle, AllowedPeers.any(), clock.instant()))
        .isNotNull();
    assertThatThrownBy(() -> SpiffePeerVerifier.verify(serverOnly, PeerRole.CLIENT, testBundle, AllowedPeers.any(),
        clock.instant()))
        .hasMessageContaining("extended key usage [serverAuth] lacks clientAuth (expected: clientAuth for a client"
            + " of mesh traffic)");
    assertThatThrownBy(() -> SpiffePeerVerifier.verify(codeSigning, PeerRole.SERVER, testBundle, AllowedPeers.any(),
        clock.instant()))
        .hasMessageContaining("extended key usage [codeSigning] lacks serverAuth");
  }

  @Test
  void refusesCertificatesWithoutExactlyOneValidSpiffeId() {
    TestPki pki = new TestPki("Test Root", clock.instant());
    TrustBundle testBundle = pki.bundle(TrustDomain.DEFAULT);
    KeyPurposeId[] both = {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth};
    Instant from = clock.instant();
    Instant to = from.plusSeconds(60);

    assertThatThrownBy(() -> SpiffePeerVerifier.verify(pki.leaf(List.of(), both, from, to).chainArray(),
        PeerRole.CLIENT, testBundle, AllowedPeers.any(), from))
        .hasMessageContaining("has no URI subject alternative name (expected: exactly one, a SPIFFE ID)");
    assertThatThrownBy(() -> SpiffePeerVerifier.verify(
        pki.leaf(List.of(REVIEWS.toString(), RATINGS.toString()), both, from, to).chainArray(),
        PeerRole.CLIENT, testBundle, AllowedPeers.any(), from))
        .hasMessageContaining("has 2 URI subject alternative names");
    assertThatThrownBy(() -> SpiffePeerVerifier.verify(
        pki.leaf(List.of("spiffe://cluster.local/ns/../sa/x"), both, from, to).chainArray(),
        PeerRole.CLIENT, testBundle, AllowedPeers.any(), from))
        .hasMessageContaining("has an invalid SPIFFE ID")
        .hasMessageContaining("has a '..' segment");
  }

  @Test
  void refusesARootPresentedAsAPeerCertificate() {
    assertThatThrownBy(() -> verify(new X509Certificate[] {ca.rootCertificate()}))
        .hasMessageContaining("has no URI subject alternative name");
  }

  @Test
  void aBundleWithTwoRootsAcceptsBothDuringARootRotation() throws Exception {
    CertificateAuthority next = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), clock, RANDOM);
    TrustBundle both = bundle.withRoot(next.rootCertificate());
    X509Certificate[] oldChain = issue(ca, REVIEWS);
    X509Certificate[] newChain = issue(next, REVIEWS);

    assertThat(both.roots()).hasSize(2);
    assertThat(SpiffePeerVerifier.verify(oldChain, PeerRole.CLIENT, both, AllowedPeers.any(), clock.instant())).isNotNull();
    assertThat(SpiffePeerVerifier.verify(newChain, PeerRole.CLIENT, both, AllowedPeers.any(), clock.instant())).isNotNull();

    TrustBundle newOnly = both.withoutRoot(ca.rootCertificate());
    assertThatThrownBy(() -> SpiffePeerVerifier.verify(oldChain, PeerRole.CLIENT, newOnly, AllowedPeers.any(),
        clock.instant()))
        .hasMessageContaining("does not chain to any of the 1 root(s)");
  }

  @Test
  void aTrustBundleHoldsOnlyCaCertificates() throws Exception {
    X509Certificate leaf = issue(ca, REVIEWS)[0];

    assertThatThrownBy(() -> TrustBundle.of(TrustDomain.DEFAULT, leaf))
        .hasMessageContaining("is not a CA certificate (expected: basicConstraints CA:TRUE)");
    assertThatThrownBy(() -> TrustBundle.of(TrustDomain.DEFAULT, List.of()))
        .hasMessageContaining("no root (expected: at least one)");
  }

  private void verify(X509Certificate[] chain) throws CertificateException {
    SpiffePeerVerifier.verify(chain, PeerRole.CLIENT, bundle, AllowedPeers.any(), clock.instant());
  }

  private static X509Certificate[] issue(CertificateAuthority authority, SpiffeId id) throws Exception {
    return authority.sign(CertificateRequests.create(KeyType.EC_P256.generate(RANDOM), id), id).chain()
        .toArray(new X509Certificate[0]);
  }
}
