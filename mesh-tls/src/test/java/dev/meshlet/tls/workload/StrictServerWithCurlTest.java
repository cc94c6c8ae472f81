package dev.meshlet.tls.workload;

import static dev.meshlet.tls.testing.Command.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.testing.Command;
import dev.meshlet.tls.testing.MeshHttpsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real curl and openssl against a STRICT server running on a Meshlet SSLContext. */
class StrictServerWithCurlTest {

  static final SecureRandom RANDOM = new SecureRandom();
  static final SpiffeId SERVER = WorkloadIdentity.of("bookinfo", "reviews").spiffeId();
  static final SpiffeId CLIENT = WorkloadIdentity.of("bookinfo", "productpage").spiffeId();

  @TempDir Path dir;

  CertificateAuthority ca;
  WorkloadCertificateManager serverCerts;
  MeshHttpsServer server;

  @BeforeEach
  void startServer() throws Exception {
    ca = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), Clock.systemUTC(), RANDOM);
    serverCerts = WorkloadCertificateManager.builder(SERVER, new InProcessSigner(ca, SERVER)).start();
    server = MeshHttpsServer.start(serverCerts.sslContext());
    Files.writeString(dir.resolve("root.pem"), Pem.certificate(ca.rootCertificate()));
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
    serverCerts.close();
  }

  @Test
  void curlWithAMeshletWorkloadCertificateGets200AndTheServerSeesItsPrincipal() throws Exception {
    writeClientCertificate(ca, "client");

    Command.Result result = curl("--cert", "client.pem", "--key", "client.key");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("hello cluster.local/ns/bookinfo/sa/productpage").endsWith("200");
  }

  @Test
  void curlWithoutAClientCertificateIsRefused() {
    Command.Result result = curl();

    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).doesNotContain("hello").endsWith("000");
    assertThat(server.requests()).isZero();
  }

  @Test
  void curlWithACertificateFromAnotherCaIsRefused() throws Exception {
    CertificateAuthority other = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), Clock.systemUTC(), RANDOM);
    writeClientCertificate(other, "foreign");

    Command.Result result = curl("--cert", "foreign.pem", "--key", "foreign.key");

    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).doesNotContain("hello").endsWith("000");
    assertThat(server.requests()).isZero();
  }

  @Test
  void opensslVerifiesTheServersChainToTheMeshRoot() throws Exception {
    writeClientCertificate(ca, "client");

    Command.Result result = run(dir, "openssl", "s_client", "-connect", "127.0.0.1:" + server.port(),
        "-CAfile", "root.pem", "-verify_return_error", "-cert", "client.pem", "-key", "client.key", "-brief");

    assertThat(result.output()).contains("Verification: OK");
  }

  /** curl checks DNS names, which mesh certificates do not have; it pins the server's key instead. */
  private Command.Result curl(String... clientArgs) {
    String pin;
    try {
      byte[] spki = serverCerts.current().certificate().getPublicKey().getEncoded();
      pin = "sha256//" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
        "curl", "-sS", "--max-time", "10", "--insecure", "--pinnedpubkey", pin, "-w", "%{http_code}"));
    command.addAll(java.util.List.of(clientArgs));
    command.add(server.url());
    return run(dir, command);
  }

  private void writeClientCertificate(CertificateAuthority authority, String name) throws Exception {
    KeyPair keys = KeyType.EC_P256.generate(RANDOM);
    Files.writeString(dir.resolve(name + ".pem"),
        authority.sign(CertificateRequests.create(keys, CLIENT), CLIENT).chainPem());
    Files.writeString(dir.resolve(name + ".key"), Pem.privateKey(keys.getPrivate()));
  }
}
