package dev.meshlet.tls.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.testing.MutableClock;
import dev.meshlet.tls.workload.CertificateRequests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaPersistenceTest {

  static final SecureRandom RANDOM = new SecureRandom();
  static final SpiffeId REVIEWS = WorkloadIdentity.of("bookinfo", "reviews").spiffeId();

  final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");

  @TempDir Path temp;

  @Test
  void makesARootOnFirstStartAndReloadsTheSameOneOnTheNext() throws Exception {
    Path dir = temp.resolve("ca");

    CertificateAuthority first = CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults(), clock, RANDOM);
    CertificateAuthority second = CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults(), clock, RANDOM);

    assertThat(second.rootCertificate()).isEqualTo(first.rootCertificate());
    X509Certificate leaf = second.sign(CertificateRequests.create(KeyType.EC_P256.generate(RANDOM), REVIEWS), REVIEWS)
        .certificate();
    leaf.verify(first.rootCertificate().getPublicKey());
  }

  @Test
  void writesIstiosCacertsLayoutWithAnOwnerOnlyKey() throws Exception {
    Path dir = temp.resolve("ca");

    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults(), clock, RANDOM);

    assertThat(dir.resolve("ca-cert.pem")).exists();
    assertThat(dir.resolve("root-cert.pem")).exists();
    assertThat(dir.resolve("cert-chain.pem")).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca-key.pem"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    assertThat(Files.readString(dir.resolve("ca-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Pem.readCertificates(Files.readString(dir.resolve("root-cert.pem")), "root"))
        .containsExactly(ca.rootCertificate());
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("ca-cert.pem", "ca-key.pem", "root-cert.pem", "cert-chain.pem");
    }
  }

  @Test
  void refusesToStartWithAnExpiredRoot() throws Exception {
    Path dir = temp.resolve("ca");
    CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults().withRootTtl(java.time.Duration.ofDays(30)), clock,
        RANDOM);
    clock.advance(java.time.Duration.ofDays(31));

    assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults(), clock, RANDOM))
        .hasMessageContaining("ca-cert.pem: certificate subject \"CN=Meshlet root CA,O=cluster.local\"")
        .hasMessageContaining("expired at 2026-03-31T10:00:00Z (now 2026-04-01T10:00:00Z)");
  }

  @Test
  void refusesAPartialCaRatherThanReplacingIt() throws Exception {
    Path dir = temp.resolve("ca");
    CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults(), clock, RANDOM);
    Files.delete(dir.resolve("ca-key.pem"));

    assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults(), clock, RANDOM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cacerts " + dir + ": incomplete CA");
    assertThat(dir.resolve("ca-key.pem")).doesNotExist();
  }

  @Test
  void refusesPemGarbageNamingTheFile() throws Exception {
    Path dir = temp.resolve("ca");
    CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults(), clock, RANDOM);
    Files.writeString(dir.resolve("ca-cert.pem"), "this is not PEM\n");

    assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults(), clock, RANDOM))
        .hasMessage("PEM " + dir.resolve("ca-cert.pem") + ": no certificate found"
            + " (expected: -----BEGIN CERTIFICATE----- blocks)");

    Files.writeString(dir.resolve("ca-cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA!!!!\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults(), clock, RANDOM))
        .hasMessageStartingWith("PEM " + dir.resolve("ca-cert.pem") + ":");
  }

  @Test
  void refusesAKeyThatDoesNotMatchTheCertificate() throws Exception {
    Path dir = temp.resolve("ca");
    CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults(), clock, RANDOM);
    Files.writeString(dir.resolve("ca-key.pem"), Pem.privateKey(KeyType.EC_P256.generate(RANDOM).getPrivate()));

    assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults(), clock, RANDOM))
        .hasMessageContaining("ca-key.pem does not match the public key of ca-cert.pem");
  }

  @Test
  void refusesAKeyFileHoldingACertificate() throws Exception {
    Path dir = temp.resolve("ca");
    CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults(), clock, RANDOM);
    Files.copy(dir.resolve("ca-cert.pem"), dir.resolve("ca-key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir, CaConfig.ofDefaults(), clock, RANDOM))
        .hasMessageContaining("ca-key.pem: holds a CERTIFICATE (expected: an unencrypted PRIVATE KEY");
  }
}
