package dev.meshlet.tls.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.tls.ca.CsrRejectedException.Reason;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.TrustDomain;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.pki.SpiffeCertificates;
import dev.meshlet.tls.testing.MutableClock;
import dev.meshlet.tls.workload.CertificateRequests;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

  static final SecureRandom RANDOM = new SecureRandom();
  static final SpiffeId REVIEWS = WorkloadIdentity.of("bookinfo", "reviews").spiffeId();

  final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
  final CertificateAuthority ca = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), clock, RANDOM);

  @Test
  void issuesAnX509v3CertificateWithTheSpiffeIdAsItsOnlyName() throws Exception {
    KeyPair keys = KeyType.EC_P256.generate(RANDOM);

    X509Certificate cert = ca.sign(CertificateRequests.create(keys, REVIEWS), REVIEWS).certificate();

    assertThat(cert.getVersion()).isEqualTo(3);
    assertThat(cert.getSubjectX500Principal().getName()).isEmpty();
    assertThat(SpiffeCertificates.uriSans(cert)).containsExactly(REVIEWS.toString());
    assertThat(cert.getSubjectAlternativeNames()).hasSize(1);
    assertThat(cert.getCriticalExtensionOIDs()).contains(Extension.subjectAlternativeName.getId());
    assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
  }

  @Test
  void usagesAreDigitalSignatureAndServerAndClientAuth() throws Exception {
    X509Certificate cert = issue(KeyType.EC_P256);

    boolean[] keyUsage = cert.getKeyUsage();
    assertThat(keyUsage[0]).as("digitalSignature").isTrue();
    assertThat(keyUsage[2]).as("keyEncipherment only for RSA").isFalse();
    assertThat(keyUsage[5]).as("keyCertSign").isFalse();
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
  }

  @Test
  void rsaKeysAlsoGetKeyEncipherment() throws Exception {
    X509Certificate cert = issue(KeyType.RSA_2048);

    assertThat(cert.getKeyUsage()[0]).isTrue();
    assertThat(cert.getKeyUsage()[2]).isTrue();
  }

  @Test
  void livesTwentyFourHoursByDefaultBackdatedTwoMinutesForClockSkew() throws Exception {
    X509Certificate cert = issue(KeyType.EC_P256);

    assertThat(cert.getNotBefore().toInstant()).isEqualTo(clock.instant().minus(Duration.ofMinutes(2)));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));
  }

  @Test
  void honoursTheRequestedLifetimeUpToTheMaximum() throws Exception {
    KeyPair keys = KeyType.EC_P256.generate(RANDOM);
    byte[] csr = CertificateRequests.create(keys, REVIEWS);

    X509Certificate hour = ca.sign(csr, REVIEWS, Duration.ofHours(1)).certificate();

    assertThat(hour.getNotAfter().toInstant()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    assertThatThrownBy(() -> ca.sign(csr, REVIEWS, Duration.ofDays(91)))
        .isInstanceOf(CsrRejectedException.class)
        .hasMessageContaining("requested lifetime PT2184H (expected: > 0 and at most PT2160H)")
        .satisfies(e -> assertThat(((CsrRejectedException) e).reason()).isEqualTo(Reason.TTL_OUT_OF_RANGE));
  }

  @Test
  void chainsUpToTheRootWithKeyIdentifiers() throws Exception {
    IssuedCertificate issued = ca.sign(CertificateRequests.create(KeyType.EC_P256.generate(RANDOM), REVIEWS), REVIEWS);

    assertThat(issued.chain()).hasSize(2);
    X509Certificate root = issued.chain().get(1);
    assertThat(root).isEqualTo(ca.rootCertificate());
    issued.certificate().verify(root.getPublicKey());
    root.verify(root.getPublicKey());
    assertThat(issued.certificate().getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
    byte[] rootSki = root.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    byte[] leafAki = issued.certificate().getExtensionValue(Extension.authorityKeyIdentifier.getId());
    assertThat(rootSki).isNotNull();
    assertThat(leafAki).isNotNull();
    assertThat(issued.certificate().getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
    // The AKI's keyIdentifier is the root's SKI value.
    assertThat(new String(leafAki, java.nio.charset.StandardCharsets.ISO_8859_1))
        .contains(new String(java.util.Arrays.copyOfRange(rootSki, 4, rootSki.length),
            java.nio.charset.StandardCharsets.ISO_8859_1));
  }

  @Test
  void serialsAreRandomPositiveAndAtMost128Bits() throws Exception {
    Set<BigInteger> serials = new HashSet<>();
    byte[] csr = CertificateRequests.create(KeyType.EC_P256.generate(RANDOM), REVIEWS);
    for (int i = 0; i < 50; i++) {
      BigInteger serial = ca.sign(csr, REVIEWS).certificate().getSerialNumber();
      assertThat(serial.signum()).isPositive();
      assertThat(serial.bitLength()).isLessThanOrEqualTo(128);
      serials.add(serial);
    }
    assertThat(serials).hasSize(50);
  }

  @Test
  void signsFromManyThreadsAtOnceWithCorrectKeyIdentifiers() throws Exception {
    int threads = 4;
    int perThread = 25;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<List<X509Certificate>>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          List<X509Certificate> certs = new java.util.ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            certs.add(ca.sign(CertificateRequests.create(KeyType.EC_P256.generate(RANDOM), REVIEWS), REVIEWS)
                .certificate());
          }
          return certs;
        }));
      }
      org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils utils = new org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils();
      for (var future : futures) {
        for (X509Certificate cert : future.get(30, java.util.concurrent.TimeUnit.SECONDS)) {
          byte[] expected = utils.createSubjectKeyIdentifier(cert.getPublicKey()).getKeyIdentifier();
          byte[] actual = org.bouncycastle.asn1.x509.SubjectKeyIdentifier.getInstance(
              org.bouncycastle.asn1.ASN1OctetString.getInstance(
                  cert.getExtensionValue(Extension.subjectKeyIdentifier.getId())).getOctets()).getKeyIdentifier();
          assertThat(actual).as("SKI of certificate %s", cert.getSerialNumber()).isEqualTo(expected);
          cert.verify(ca.rootCertificate().getPublicKey());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void acceptsP384Keys() throws Exception {
    X509Certificate cert = issue(KeyType.EC_P384);

    assertThat(KeyType.of(cert.getPublicKey())).isEqualTo(KeyType.EC_P384);
  }

  @Test
  void theRootIsACaOfTheTrustDomainWithEcdsaP256ByDefault() throws Exception {
    X509Certificate root = ca.rootCertificate();

    assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(root.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(root.getSubjectX500Principal().getName()).contains("O=cluster.local");
    assertThat(root.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(root.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(root.getNotAfter().toInstant()).isEqualTo(clock.instant().plus(Duration.ofDays(3650)));
    assertThat(ca.trustBundle().roots()).containsExactly(root);
    assertThat(ca.trustBundle().trustDomain()).isEqualTo(TrustDomain.DEFAULT);
  }

  @Test
  void makesAnRsaRootWhenAsked() throws Exception {
    CertificateAuthority rsa = CertificateAuthority.selfSigned(
        CaConfig.ofDefaults().withRootKeyType(KeyType.RSA_2048), clock, RANDOM);

    assertThat(rsa.rootCertificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    X509Certificate leaf = rsa.sign(CertificateRequests.create(KeyType.EC_P256.generate(RANDOM), REVIEWS), REVIEWS)
        .certificate();
    assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withRSA");
    leaf.verify(rsa.rootCertificate().getPublicKey());
  }

  @Test
  void aP384RootSignsWithSha384AndTheJdkVerifiesIt() throws Exception {
    CertificateAuthority p384 = CertificateAuthority.selfSigned(
        CaConfig.ofDefaults().withRootKeyType(KeyType.EC_P384), clock, RANDOM);

    X509Certificate leaf = p384.sign(CertificateRequests.create(KeyType.EC_P256.generate(RANDOM), REVIEWS), REVIEWS)
        .certificate();

    assertThat(leaf.getSigAlgName()).isEqualTo("SHA384withECDSA");
    leaf.verify(p384.rootCertificate().getPublicKey());
  }

  @Test
  void neverIssuesBeyondItsOwnExpiry() throws Exception {
    CertificateAuthority shortLived = CertificateAuthority.selfSigned(
        CaConfig.ofDefaults().withRootTtl(Duration.ofHours(2)), clock, RANDOM);

    X509Certificate leaf = shortLived.sign(CertificateRequests.create(KeyType.EC_P256.generate(RANDOM), REVIEWS),
        REVIEWS).certificate();

    assertThat(leaf.getNotAfter()).isEqualTo(shortLived.rootCertificate().getNotAfter());
  }

  @Test
  void signsARequestWithoutNamesForTheProvenIdentity() throws Exception {
    byte[] csr = CsrFixtures.withSans(KeyType.EC_P256.generate(RANDOM), List.of());

    X509Certificate cert = ca.sign(csr, REVIEWS).certificate();

    assertThat(SpiffeCertificates.spiffeId(cert)).isEqualTo(REVIEWS);
  }

  @Test
  void refusesARequestForAnotherIdentity() {
    SpiffeId other = WorkloadIdentity.of("bookinfo", "ratings").spiffeId();
    byte[] csr = CertificateRequests.create(KeyType.EC_P256.generate(RANDOM), other);

    assertThatThrownBy(() -> ca.sign(csr, REVIEWS))
        .isInstanceOf(CsrRejectedException.class)
        .hasMessage("CSR refused (IDENTITY_MISMATCH): asks for URI SAN spiffe://cluster.local/ns/bookinfo/sa/ratings"
            + " but the caller proved spiffe://cluster.local/ns/bookinfo/sa/reviews");
  }

  @Test
  void refusesAProvenIdentityOutsideItsTrustDomain() {
    SpiffeId foreign = SpiffeId.parse("spiffe://other.org/ns/a/sa/b");
    byte[] csr = CertificateRequests.create(KeyType.EC_P256.generate(RANDOM), foreign);

    assertThatThrownBy(() -> ca.sign(csr, foreign))
        .isInstanceOf(CsrRejectedException.class)
        .hasMessageContaining("proven identity spiffe://other.org/ns/a/sa/b is not in trust domain cluster.local");
  }

  @Test
  void refusesExtraDnsIpAndEmailNames() {
    KeyPair keys = KeyType.EC_P256.generate(RANDOM);

    assertThatThrownBy(() -> ca.sign(CsrFixtures.withSans(keys, List.of(CsrFixtures.uri(REVIEWS.toString()),
        CsrFixtures.dns("reviews.bookinfo.svc"))), REVIEWS))
        .isInstanceOf(CsrRejectedException.class)
        .hasMessageContaining("EXTRA_SUBJECT_ALT_NAME")
        .hasMessageContaining("asks for the DNS subject alternative name reviews.bookinfo.svc"
            + " (expected: only the URI SAN spiffe://cluster.local/ns/bookinfo/sa/reviews)");
    assertThatThrownBy(() -> ca.sign(CsrFixtures.withSans(keys, List.of(CsrFixtures.ip("10.0.0.7"))), REVIEWS))
        .hasMessageContaining("asks for the IP subject alternative name 10.0.0.7");
    assertThatThrownBy(() -> ca.sign(CsrFixtures.withSans(keys, List.of(CsrFixtures.email("a@b.c"))), REVIEWS))
        .hasMessageContaining("asks for the email subject alternative name a@b.c");
  }

  @Test
  void refusesARequestWhoseSignatureDoesNotVerify() {
    byte[] csr = CertificateRequests.create(KeyType.EC_P256.generate(RANDOM), REVIEWS);
    byte[] tampered = CsrFixtures.withForeignSignature(csr, KeyType.EC_P256.generate(RANDOM));

    assertThatThrownBy(() -> ca.sign(tampered, REVIEWS))
        .isInstanceOf(CsrRejectedException.class)
        .satisfies(e -> assertThat(((CsrRejectedException) e).reason()).isEqualTo(Reason.BAD_SIGNATURE))
        .hasMessageContaining("signature does not verify with the request's public key");
  }

  @Test
  void refusesAnEcRequestSignedWithSha1EvenWhenTheSignatureIsValid() {
    KeyPair keys = KeyType.EC_P256.generate(RANDOM);
    byte[] sha1 = CsrFixtures.resigned(CertificateRequests.create(keys, REVIEWS), keys, "SHA1withECDSA");

    assertThatThrownBy(() -> ca.sign(sha1, REVIEWS))
        .isInstanceOf(CsrRejectedException.class)
        .hasMessage("CSR refused (BAD_SIGNATURE): signature algorithm 1.2.840.10045.4.1 does not fit the"
            + " request's EC key (expected: ECDSA with SHA-256, SHA-384 or SHA-512)");
  }

  @Test
  void verifiesEcRequestsSignedWithSha384AndSha512() throws Exception {
    KeyPair keys = KeyType.EC_P256.generate(RANDOM);
    byte[] csr = CertificateRequests.create(keys, REVIEWS);

    for (String algorithm : List.of("SHA384withECDSA", "SHA512withECDSA")) {
      byte[] resigned = CsrFixtures.resigned(csr, keys, algorithm);
      assertThat(ca.sign(resigned, REVIEWS).certificate().getPublicKey()).isEqualTo(keys.getPublic());
      byte[] foreign = CsrFixtures.resigned(csr, KeyType.EC_P256.generate(RANDOM), algorithm);
      assertThatThrownBy(() -> ca.sign(foreign, REVIEWS)).hasMessageContaining("BAD_SIGNATURE");
    }
  }

  @Test
  void refusesHugeRsaKeysBeforeVerifyingAnything() throws Exception {
    BigInteger modulus = BigInteger.ONE.shiftLeft(9000).add(BigInteger.valueOf(3));
    var keyInfo = new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(
        new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
            org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption, org.bouncycastle.asn1.DERNull.INSTANCE),
        new org.bouncycastle.asn1.pkcs.RSAPublicKey(modulus, BigInteger.valueOf(65537)));

    assertThatThrownBy(() -> ca.sign(CsrFixtures.withKeyAndJunkSignature(keyInfo), REVIEWS))
        .isInstanceOf(CsrRejectedException.class)
        .hasMessage("CSR refused (WEAK_KEY): RSA key of 9001 bits is too large (expected: at most 8192 bits)");
  }

  @Test
  void refusesGarbage() {
    byte[] random = new byte[200];
    RANDOM.nextBytes(random);
    byte[] truncated = java.util.Arrays.copyOf(CertificateRequests.create(KeyType.EC_P256.generate(RANDOM), REVIEWS), 50);

    for (byte[] garbage : List.of(random, truncated, "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
      assertThatThrownBy(() -> ca.sign(garbage, REVIEWS))
          .isInstanceOf(CsrRejectedException.class)
          .hasMessageStartingWith("CSR refused (MALFORMED): not a DER-encoded PKCS#10 request");
    }
    assertThatThrownBy(() -> ca.sign(new byte[0], REVIEWS))
        .hasMessage("CSR refused (MALFORMED): empty request (expected: a DER-encoded PKCS#10 request)");
  }

  @Test
  void readsRequestsFromPem() throws Exception {
    byte[] der = CertificateRequests.create(KeyType.EC_P256.generate(RANDOM), REVIEWS);

    byte[] read = Pem.readCertificationRequest(Pem.certificationRequest(der), "test CSR");

    assertThat(read).isEqualTo(der);
    assertThat(ca.sign(read, REVIEWS).certificate()).isNotNull();
  }

  private X509Certificate issue(KeyType type) throws CsrRejectedException {
    return ca.sign(CertificateRequests.create(type.generate(RANDOM), REVIEWS), REVIEWS).certificate();
  }

}
