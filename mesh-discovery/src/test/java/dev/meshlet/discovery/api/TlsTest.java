package dev.meshlet.discovery.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.discovery.cli.Meshctl;
import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.pki.SpiffeCertificates;
import dev.meshlet.tls.pki.TrustBundle;
import dev.meshlet.tls.verify.AllowedPeers;
import dev.meshlet.tls.verify.MeshHostnameVerifier;
import dev.meshlet.tls.verify.SpiffeTrustManager;
import dev.meshlet.tls.workload.CertificateRequests;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {
  static final MediaType JSON = MediaType.get("application/json");

  @TempDir Path dir;
  DiscoveryServer server;
  final SecureRandom random = new SecureRandom();

  @BeforeEach
  void start() throws Exception {
    server = DiscoveryServer.builder(dir).port(0).start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  /** An OkHttp client that trusts {@code bundle} and only the discovery server's identity, with an optional client key. */
  private OkHttpClient client(TrustBundle bundle, @Nullable KeyPair key, @Nullable List<X509Certificate> chain) throws Exception {
    SpiffeId serverId = server.ca().serverIdentity();
    SpiffeTrustManager trust = new SpiffeTrustManager(() -> bundle, Clock.systemUTC(), AllowedPeers.any(),
        host -> AllowedPeers.only(serverId));
    KeyManager[] keys = null;
    if (key != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("me", key.getPrivate(), new char[0], chain.toArray(new X509Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      keys = kmf.getKeyManagers();
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(keys, new TrustManager[] {trust}, null);
    return new OkHttpClient.Builder()
        .sslSocketFactory(ctx.getSocketFactory(), trust)
        .hostnameVerifier(new MeshHostnameVerifier(host -> AllowedPeers.only(serverId)))
        .build();
  }

  private record Reply(int status, JsonNode json) {}

  private Reply call(OkHttpClient client, String method, String path, @Nullable String token, @Nullable Object body) throws IOException {
    Request.Builder b = new Request.Builder().url(server.url() + path);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.method(method, body == null ? null : RequestBody.create(ProtocolJson.write(body), JSON));
    try (Response r = client.newCall(b.build()).execute()) {
      return new Reply(r.code(), ProtocolJson.mapper().readTree(r.body().string()));
    }
  }

  private String token(OkHttpClient client, String sa) throws IOException {
    return call(client, "POST", "/v1/tokens", server.adminToken(), Map.of("serviceAccount", sa, "namespace", "default"))
        .json().path("token").asText();
  }

  private static Map<String, Object> csr(KeyPair keys, SpiffeId id) {
    Map<String, Object> m = new HashMap<>();
    m.put("csr", Pem.certificationRequest(CertificateRequests.create(keys, id)));
    return m;
  }

  @Test
  void theApiRunsOverTlsAsTheDiscoveryIdentityAndOtherRootsOrPlainHttpGetNowhere() throws Exception {
    OkHttpClient good = client(server.ca().authority().trustBundle(), null, null);
    try (Response r = good.newCall(new Request.Builder().url(server.url() + "/healthz").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      X509Certificate leaf = (X509Certificate) r.handshake().peerCertificates().get(0);
      assertThat(SpiffeCertificates.spiffeId(leaf).toString())
          .isEqualTo("spiffe://cluster.local/ns/istio-system/sa/meshlet-discovery");
    }
    assertThat(server.url()).startsWith("https://");

    CertificateAuthority other = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), Clock.systemUTC(), random);
    OkHttpClient stranger = client(other.trustBundle(), null, null);
    assertThatThrownBy(() -> stranger.newCall(new Request.Builder().url(server.url() + "/healthz").build()).execute())
        .isInstanceOf(SSLHandshakeException.class);

    OkHttpClient plain = new OkHttpClient();
    String http = server.url().replace("https://", "http://");
    try (Response r = plain.newCall(new Request.Builder().url(http + "/healthz").build()).execute()) {
      assertThat(r.code()).as("no API over plain HTTP").isEqualTo(400);
    } catch (IOException expected) {
      // as good: the TLS port does not speak HTTP
    }
  }

  @Test
  void aBootstrapTokenGetsACertificateForItsOwnIdentityAndNeverAnothers() throws Exception {
    OkHttpClient client = client(server.ca().authority().trustBundle(), null, null);
    String reviews = token(client, "reviews");
    SpiffeId reviewsId = server.ca().identity("default", "reviews");
    SpiffeId ratingsId = server.ca().identity("default", "ratings");
    KeyPair keys = KeyType.EC_P256.generate(random);

    Reply mine = call(client, "POST", "/v1/certificates", reviews, csr(keys, reviewsId));
    Map<String, Object> askOther = csr(keys, reviewsId);
    askOther.put("serviceAccount", "ratings");
    Reply other = call(client, "POST", "/v1/certificates", reviews, askOther);
    Reply csrForOther = call(client, "POST", "/v1/certificates", reviews, csr(keys, ratingsId));
    Reply anonymous = call(client, "POST", "/v1/certificates", null, csr(keys, reviewsId));

    assertThat(mine.status()).isEqualTo(201);
    List<X509Certificate> chain = Pem.readCertificates(mine.json().path("certificateChain").asText(), "chain");
    assertThat(SpiffeCertificates.spiffeId(chain.get(0))).isEqualTo(reviewsId);
    assertThat(chain.get(0).getPublicKey()).isEqualTo(keys.getPublic());
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.json().path("error").asText()).contains("proves " + reviewsId).contains("cannot get a certificate for " + ratingsId);
    assertThat(csrForOther.status()).isEqualTo(403);
    assertThat(csrForOther.json().path("error").asText()).contains("IDENTITY_MISMATCH");
    assertThat(anonymous.status()).isEqualTo(401);
  }

  @Test
  void aRenewalProvesItselfWithItsCurrentCertificateOverMutualTls() throws Exception {
    TrustBundle bundle = server.ca().authority().trustBundle();
    OkHttpClient bootstrap = client(bundle, null, null);
    SpiffeId reviewsId = server.ca().identity("default", "reviews");
    KeyPair first = KeyType.EC_P256.generate(random);
    Reply issued = call(bootstrap, "POST", "/v1/certificates", token(bootstrap, "reviews"), csr(first, reviewsId));
    List<X509Certificate> chain = Pem.readCertificates(issued.json().path("certificateChain").asText(), "chain");

    OkHttpClient mtls = client(bundle, first, chain);
    KeyPair next = KeyType.EC_P256.generate(random);
    Reply renewed = call(mtls, "POST", "/v1/certificates", null, csr(next, reviewsId));
    Reply forOther = call(mtls, "POST", "/v1/certificates", null, csr(next, server.ca().identity("default", "ratings")));
    Reply register = call(mtls, "POST", "/v1/registrations", null, Map.of("service", "reviews", "address", "10.0.0.1"));
    Reply registerOther = call(mtls, "POST", "/v1/registrations", null, Map.of("service", "ratings", "address", "10.0.0.1"));

    assertThat(renewed.status()).isEqualTo(201);
    X509Certificate leaf = Pem.readCertificates(renewed.json().path("certificateChain").asText(), "chain").get(0);
    assertThat(SpiffeCertificates.spiffeId(leaf)).isEqualTo(reviewsId);
    assertThat(leaf.getPublicKey()).isEqualTo(next.getPublic());
    assertThat(forOther.status()).isEqualTo(403);
    assertThat(register.status()).as("a certificate is a credential for the agent calls too").isEqualTo(201);
    assertThat(registerOther.status()).isEqualTo(403);
  }

  @Test
  void meshctlIssuesACertificateToFilesAndShowsItOverTls() throws Exception {
    Path out = dir.resolveSibling(dir.getFileName() + "-certs");
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();

    int issue = Meshctl.run(new PrintWriter(o), new PrintWriter(e), "cert", "issue", "reviews", "-n", "shop",
        "--out", out.toString(), "--data", dir.toString());
    int show = Meshctl.run(new PrintWriter(o), new PrintWriter(e), "cert", "reviews", "-n", "shop", "--data", dir.toString());
    StringWriter noRoot = new StringWriter();
    int withoutRoot = Meshctl.run(new PrintWriter(new StringWriter()), new PrintWriter(noRoot), "get", "vs",
        "--server", server.url(), "--token-file", dir.resolve("admin-token").toString());

    assertThat(issue).as(e.toString()).isZero();
    assertThat(show).as(e.toString()).isZero();
    assertThat(o.toString()).contains("spiffe://cluster.local/ns/shop/sa/reviews").contains("NOT AFTER");
    assertThat(Files.getPosixFilePermissions(out.resolve("key.pem"))).containsExactlyInAnyOrder(
        java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    X509Certificate leaf = Pem.readCertificates(Files.readString(out.resolve("cert-chain.pem")), "chain").get(0);
    assertThat(SpiffeCertificates.spiffeId(leaf).toString()).isEqualTo("spiffe://cluster.local/ns/shop/sa/reviews");
    assertThat(Pem.readCertificates(Files.readString(out.resolve("root-cert.pem")), "roots"))
        .containsExactlyElementsOf(server.ca().authority().trustBundle().roots());
    assertThat(withoutRoot).isEqualTo(Meshctl.FAILURE);
    assertThat(noRoot.toString()).contains("--ca-file");
  }

  @Test
  void meshctlCertShowsTheLastIssuedCertificateAfterARestartOfTheServer() throws Exception {
    StringWriter e = new StringWriter();
    int issue = Meshctl.run(new PrintWriter(new StringWriter()), new PrintWriter(e), "cert", "issue", "reviews", "-n", "shop",
        "--out", dir.resolveSibling(dir.getFileName() + "-certs").toString(), "--data", dir.toString());
    assertThat(issue).as(e.toString()).isZero();
    String serial = server.ca().lastIssued(server.ca().identity("shop", "reviews")).orElseThrow()
        .chain().get(0).getSerialNumber().toString(16);

    server.close();
    server = DiscoveryServer.builder(dir).port(0).start();
    StringWriter o = new StringWriter();
    int show = Meshctl.run(new PrintWriter(o), new PrintWriter(e), "cert", "reviews", "-n", "shop", "-o", "json",
        "--data", dir.toString());
    StringWriter none = new StringWriter();
    int never = Meshctl.run(new PrintWriter(new StringWriter()), new PrintWriter(none), "cert", "ratings", "-n", "shop",
        "--data", dir.toString());

    assertThat(show).as(e.toString()).isZero();
    assertThat(o.toString()).contains(serial)
        .contains("spiffe://cluster.local/ns/shop/sa/reviews").contains("BEGIN CERTIFICATE");
    assertThat(never).isEqualTo(Meshctl.FAILURE);
    assertThat(none.toString()).contains("no certificate was ever issued to spiffe://cluster.local/ns/shop/sa/ratings");
  }

  @Test
  void aRootRotationSignsWithTheNewRootTrustsBothAndSurvivesARestart() throws Exception {
    X509Certificate oldRoot = server.ca().authority().rootCertificate();
    KeyPair keys = KeyType.EC_P256.generate(random);
    SpiffeId reviewsId = server.ca().identity("default", "reviews");
    OkHttpClient admin = client(server.ca().trustBundle(), null, null);
    Reply before = call(admin, "POST", "/v1/certificates", token(admin, "reviews"), csr(keys, reviewsId));

    Reply rotated = call(admin, "POST", "/v1/ca/rotate", server.adminToken(), Map.of());
    Reply bootstrapRotates = call(admin, "POST", "/v1/ca/rotate", token(admin, "reviews"), Map.of());
    Reply after = call(admin, "POST", "/v1/certificates", token(admin, "reviews"), csr(keys, reviewsId));

    assertThat(rotated.status()).as(rotated.json().toString()).isEqualTo(200);
    assertThat(rotated.json().path("roots").asInt()).isEqualTo(2);
    assertThat(bootstrapRotates.status()).isEqualTo(403);
    X509Certificate newRoot = server.ca().authority().rootCertificate();
    assertThat(newRoot).isNotEqualTo(oldRoot);
    assertThat(server.ca().trustBundle().roots()).containsExactly(newRoot, oldRoot);
    X509Certificate leafBefore = Pem.readCertificates(before.json().path("certificateChain").asText(), "before").get(0);
    X509Certificate leafAfter = Pem.readCertificates(after.json().path("certificateChain").asText(), "after").get(0);
    assertThat(leafBefore.getIssuerX500Principal()).isEqualTo(oldRoot.getSubjectX500Principal());
    assertThat(leafAfter.getIssuerX500Principal()).isEqualTo(newRoot.getSubjectX500Principal());
    // A workload whose certificate chains to the old root still proves itself during the overlap.
    OkHttpClient oldCert = client(server.ca().trustBundle(), keys, List.of(leafBefore));
    assertThat(call(oldCert, "POST", "/v1/certificates", null, csr(keys, reviewsId)).status()).isEqualTo(201);
    OkHttpClient newCert = client(server.ca().trustBundle(), keys, List.of(leafAfter));
    assertThat(call(newCert, "POST", "/v1/certificates", null, csr(keys, reviewsId)).status()).isEqualTo(201);

    server.close();
    server = DiscoveryServer.builder(dir).port(0).start();
    assertThat(server.ca().authority().rootCertificate()).isEqualTo(newRoot);
    assertThat(server.ca().trustBundle().roots()).containsExactly(newRoot, oldRoot);
  }
}
