package dev.meshlet.tls.ca;

import static dev.meshlet.tls.testing.Command.runOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.pki.SpiffeCertificates;
import dev.meshlet.tls.workload.CertificateRequests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real openssl binary judges what the CA issues, and makes CSRs and CAs of its own. */
class OpensslInteropTest {

  static final SecureRandom RANDOM = new SecureRandom();
  static final SpiffeId REVIEWS = WorkloadIdentity.of("bookinfo", "reviews").spiffeId();

  @TempDir Path dir;

  final CertificateAuthority ca = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), Clock.systemUTC(), RANDOM);

  @Test
  void opensslVerifyAcceptsTheIssuedChainForClientAndServerUse() throws Exception {
    IssuedCertificate issued = ca.sign(CertificateRequests.create(KeyType.EC_P256.generate(RANDOM), REVIEWS), REVIEWS);
    Files.writeString(dir.resolve("root.pem"), Pem.certificate(ca.rootCertificate()));
    Files.writeString(dir.resolve("leaf.pem"), Pem.certificate(issued.certificate()));

    for (String purpose : new String[] {"sslclient", "sslserver"}) {
      assertThat(runOk(dir, "openssl", "verify", "-x509_strict", "-purpose", purpose, "-CAfile", "root.pem", "leaf.pem"))
          .contains("leaf.pem: OK");
    }
  }

  @Test
  void opensslShowsTheSpiffeUriSanAndTheUsages() throws Exception {
    IssuedCertificate issued = ca.sign(CertificateRequests.create(KeyType.RSA_2048.generate(RANDOM), REVIEWS), REVIEWS);
    Files.writeString(dir.resolve("leaf.pem"), Pem.certificate(issued.certificate()));

    String text = runOk(dir, "openssl", "x509", "-in", "leaf.pem", "-noout", "-text");

    assertThat(text)
        .contains("Version: 3 (0x2)")
        .contains("X509v3 Subject Alternative Name: critical")
        .contains("URI:spiffe://cluster.local/ns/bookinfo/sa/reviews")
        .contains("X509v3 Key Usage: critical")
        .contains("Digital Signature, Key Encipherment")
        .contains("TLS Web Server Authentication, TLS Web Client Authentication")
        .contains("CA:FALSE")
        .contains("X509v3 Authority Key Identifier")
        .contains("X509v3 Subject Key Identifier")
        .doesNotContain("DNS:");
  }

  @Test
  void chainsToACorporateRootPluggedInAsIstioCacerts() throws Exception {
    // The operator's PKI, made by openssl: a P-256 root and an RSA intermediate with a PKCS#1 key.
    Files.writeString(dir.resolve("ca.ext"),
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
            + "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
    runOk(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "corp-root.key", "-out", "root-cert.pem", "-days", "30", "-subj", "/O=Corp/CN=Corp Root CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    runOk(dir, "openssl", "genrsa", "-traditional", "-out", "ca-key.pem", "2048");
    runOk(dir, "openssl", "req", "-new", "-key", "ca-key.pem", "-out", "intermediate.csr",
        "-subj", "/O=Corp/CN=Meshlet intermediate");
    runOk(dir, "openssl", "x509", "-req", "-in", "intermediate.csr", "-CA", "root-cert.pem", "-CAkey", "corp-root.key",
        "-CAcreateserial", "-days", "20", "-extfile", "ca.ext", "-out", "ca-cert.pem");
    Files.writeString(dir.resolve("cert-chain.pem"),
        Files.readString(dir.resolve("ca-cert.pem")) + Files.readString(dir.resolve("root-cert.pem")));
    assertThat(Files.readString(dir.resolve("ca-key.pem"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    CertificateAuthority corporate = CertificateAuthority.fromCacerts(dir, CaConfig.ofDefaults(), Clock.systemUTC(), RANDOM);
    IssuedCertificate issued = corporate.sign(
        CertificateRequests.create(KeyType.EC_P256.generate(RANDOM), REVIEWS), REVIEWS);

    assertThat(issued.chain()).hasSize(3);
    assertThat(corporate.rootCertificate().getSubjectX500Principal().getName()).contains("CN=Corp Root CA");
    Files.writeString(dir.resolve("leaf.pem"), Pem.certificate(issued.certificate()));
    Files.writeString(dir.resolve("untrusted.pem"), Pem.certificate(issued.chain().get(1)));
    assertThat(runOk(dir, "openssl", "verify", "-purpose", "sslclient", "-CAfile", "root-cert.pem",
        "-untrusted", "untrusted.pem", "leaf.pem")).contains("leaf.pem: OK");
    assertThat(issued.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
  }

  @Test
  void refusesCacertsWhoseChainDoesNotLeadToTheRoot() throws Exception {
    runOk(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "ca-key.pem", "-out", "ca-cert.pem", "-days", "30", "-subj", "/CN=Signing CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
    runOk(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "other.key", "-out", "root-cert.pem", "-days", "30", "-subj", "/CN=Unrelated Root",
        "-addext", "basicConstraints=critical,CA:TRUE");

    assertThatThrownBy(() -> CertificateAuthority.fromCacerts(dir, CaConfig.ofDefaults(), Clock.systemUTC(), RANDOM))
        .hasMessageContaining("cert-chain.pem does not lead from ca-cert.pem to a root in root-cert.pem")
        .hasMessageContaining("does not chain to any of the 1 root(s) of trust domain cluster.local");
  }

  @Test
  void refusesCacertsWithoutAKey() throws Exception {
    runOk(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "elsewhere.key", "-out", "ca-cert.pem", "-days", "30", "-subj", "/CN=Signing CA",
        "-addext", "basicConstraints=critical,CA:TRUE");
    Files.copy(dir.resolve("ca-cert.pem"), dir.resolve("root-cert.pem"));

    assertThatThrownBy(() -> CertificateAuthority.fromCacerts(dir, CaConfig.ofDefaults(), Clock.systemUTC(), RANDOM))
        .hasMessage("cacerts " + dir + ": ca-key.pem is missing");
  }

  @Test
  void signsAnOpensslRequestAndRefusesWeakOrOverreachingOnes() throws Exception {
    runOk(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "good.key", "-subj", "/O=ignored", "-addext", "subjectAltName=URI:" + REVIEWS,
        "-outform", "DER", "-out", "good.csr");
    runOk(dir, "openssl", "req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", "weak.key", "-subj", "/O=x",
        "-outform", "DER", "-out", "weak-rsa.csr");
    runOk(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-nodes",
        "-keyout", "k1.key", "-subj", "/O=x", "-outform", "DER", "-out", "k1.csr");
    runOk(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "dns.key", "-subj", "/O=x", "-addext", "subjectAltName=URI:" + REVIEWS + ",DNS:evil.example.com",
        "-outform", "DER", "-out", "dns.csr");

    IssuedCertificate good = ca.sign(Files.readAllBytes(dir.resolve("good.csr")), REVIEWS);
    assertThat(SpiffeCertificates.spiffeId(good.certificate())).isEqualTo(REVIEWS);
    assertThat(good.certificate().getSubjectX500Principal().getName()).isEmpty();

    assertThatThrownBy(() -> ca.sign(Files.readAllBytes(dir.resolve("weak-rsa.csr")), REVIEWS))
        .hasMessage("CSR refused (WEAK_KEY): RSA key of 1024 bits is too weak"
            + " (expected: RSA of at least 2048 bits, or EC P-256/P-384)");
    assertThatThrownBy(() -> ca.sign(Files.readAllBytes(dir.resolve("k1.csr")), REVIEWS))
        .hasMessageContaining("CSR refused (WEAK_KEY): EC key on curve 1.3.132.0.10 is not accepted");
    assertThatThrownBy(() -> ca.sign(Files.readAllBytes(dir.resolve("dns.csr")), REVIEWS))
        .hasMessageContaining("asks for the DNS subject alternative name evil.example.com");
  }
}
