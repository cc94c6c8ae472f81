package dev.meshlet.tls.permissive;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.meshlet.core.config.networking.ClientTlsSettings;
import dev.meshlet.core.config.networking.ClientTlsSettings.TlsMode;
import dev.meshlet.core.config.security.PeerAuthentication.Mode;
import dev.meshlet.tls.ca.CaConfig;
import dev.meshlet.tls.ca.CertificateAuthority;
import dev.meshlet.tls.client.ClientTls;
import dev.meshlet.tls.client.ClientTlsFactory;
import dev.meshlet.tls.client.TlsUpstream;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.pki.KeyType;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.testing.Command;
import dev.meshlet.tls.verify.PeerIdentities;
import dev.meshlet.tls.verify.VerifiedPeer;
import dev.meshlet.tls.workload.CertificateRequests;
import dev.meshlet.tls.workload.InProcessSigner;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSession;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JDK HttpsServer whose port is PERMISSIVE answers plain curl and mTLS curl on the same port;
 * a STRICT one refuses plain curl. Real curl, real TLS, certificates from the mesh CA.
 */
class PermissiveServerTest {

  static final SecureRandom RANDOM = new SecureRandom();
  static final SpiffeId SERVER = WorkloadIdentity.of("bookinfo", "reviews").spiffeId();
  static final SpiffeId CLIENT = WorkloadIdentity.of("bookinfo", "productpage").spiffeId();

  static {
    // The JDK server's separate header and body writes meet delayed ACKs without it.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  @TempDir Path dir;
  CertificateAuthority ca;
  WorkloadCertificateManager serverCerts;
  final List<HttpsServer> servers = new ArrayList<>();
  final ExecutorService executor = Executors.newFixedThreadPool(4);
  final AtomicInteger handled = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    ca = CertificateAuthority.selfSigned(CaConfig.ofDefaults(), Clock.systemUTC(), RANDOM);
    serverCerts = WorkloadCertificateManager.builder(SERVER, new InProcessSigner(ca, SERVER)).start();
    KeyPair keys = KeyType.EC_P256.generate(RANDOM);
    Files.writeString(dir.resolve("client.pem"), ca.sign(CertificateRequests.create(keys, CLIENT), CLIENT).chainPem());
    Files.writeString(dir.resolve("client.key"), Pem.privateKey(keys.getPrivate()));
    Files.writeString(dir.resolve("root.pem"), Pem.certificate(ca.rootCertificate()));
  }

  @AfterEach
  void tearDown() {
    servers.forEach(s -> s.stop(0));
    executor.shutdownNow();
    serverCerts.close();
  }

  int start(Mode mode) throws Exception {
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(JdkServerTls.configurator(mode, serverCerts.sslContext()));
    server.createContext("/", exchange -> {
      handled.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      SSLSession session = ((HttpsExchange) exchange).getSSLSession();
      String who = PermissiveSslContext.isPlaintext(session) ? "plaintext"
          : "mtls " + PeerIdentities.peer(session).map(VerifiedPeer::principal).orElse("?");
      byte[] body = (who + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.setExecutor(executor);
    server.start();
    servers.add(server);
    return server.getAddress().getPort();
  }

  @Test
  void aPermissivePortAnswersPlainCurlAndMtlsCurl() throws Exception {
    int port = start(Mode.PERMISSIVE);

    Command.Result plain = curl("http://127.0.0.1:" + port + "/");
    Command.Result mtls = curl("--cert", "client.pem", "--key", "client.key", "--cacert", "root.pem",
        "--insecure", "--pinnedpubkey", serverPin(), "https://127.0.0.1:" + port + "/");

    assertThat(plain.exitCode()).as(plain.output()).isZero();
    assertThat(plain.output()).isEqualTo("plaintext\n200");
    assertThat(mtls.exitCode()).as(mtls.output()).isZero();
    assertThat(mtls.output()).isEqualTo("mtls cluster.local/ns/bookinfo/sa/productpage\n200");
  }

  @Test
  void plaintextKeepAliveConnectionsServeSeveralRequests() throws Exception {
    int port = start(Mode.PERMISSIVE);
    String url = "http://127.0.0.1:" + port + "/";

    // One curl, three URLs: curl reuses its connection ("Re-using existing connection").
    Command.Result result = Command.run(dir, "curl", "-sS", "-v", "--max-time", "10", "-w", "%{http_code}\n",
        url, url, url);

    assertThat(result.exitCode()).as(result.output()).isZero();
    // stdout and stderr interleave: count what each answer and each reuse leaves.
    assertThat(result.output().split("< HTTP/1.1 200 OK", -1)).hasSize(4);
    assertThat(result.output().split("\nplaintext\n", -1)).hasSize(4);
    assertThat(result.output().split("Re-using existing connection", -1)).hasSize(3);
  }

  @Test
  void plaintextHttp10ClosesTheConnectionCleanly() throws Exception {
    int port = start(Mode.PERMISSIVE);

    Command.Result first = curl("--http1.0", "http://127.0.0.1:" + port + "/");
    Command.Result second = curl("--http1.0", "http://127.0.0.1:" + port + "/");

    assertThat(first.output()).isEqualTo("plaintext\n200");
    assertThat(second.output()).isEqualTo("plaintext\n200");
  }

  @Test
  void aPermissivePortStillRequiresAClientCertificateOverTls() throws Exception {
    int port = start(Mode.PERMISSIVE);

    Command.Result noCert = curl("--insecure", "https://127.0.0.1:" + port + "/");

    assertThat(noCert.exitCode()).as(noCert.output()).isNotZero();
    assertThat(noCert.output()).doesNotContain("plaintext").doesNotContain("mtls");
  }

  @Test
  void aStrictPortRefusesPlainCurlAndServesMtlsCurl() throws Exception {
    int port = start(Mode.STRICT);

    Command.Result plain = curl("http://127.0.0.1:" + port + "/");
    Command.Result mtls = curl("--cert", "client.pem", "--key", "client.key", "--insecure", "--pinnedpubkey",
        serverPin(), "https://127.0.0.1:" + port + "/");

    assertThat(plain.exitCode()).as(plain.output()).isNotZero();
    assertThat(plain.output()).endsWith("000");
    assertThat(mtls.output()).isEqualTo("mtls cluster.local/ns/bookinfo/sa/productpage\n200");
    assertThat(handled.get()).isEqualTo(1);
  }

  @Test
  void okHttpPlaintextAndMeshClientsShareAPermissivePortOverPooledConnections() throws Exception {
    int port = start(Mode.PERMISSIVE);
    SpiffeId client = CLIENT;
    try (WorkloadCertificateManager clientCerts =
        WorkloadCertificateManager.builder(client, new InProcessSigner(ca, client)).start()) {
      ClientTlsFactory factory = ClientTlsFactory.of(clientCerts);
      ClientTls mesh = factory.resolve(new ClientTlsSettings(TlsMode.ISTIO_MUTUAL, null, null, null, null, List.of(),
          null, null, null), TlsUpstream.mesh("127.0.0.1", Set.of(SERVER)));
      OkHttpClient tls = new OkHttpClient.Builder()
          .sslSocketFactory(mesh.sslSocketFactory(), mesh.trustManager()).hostnameVerifier(mesh.hostnameVerifier())
          .build();
      OkHttpClient plain = new OkHttpClient();

      for (int i = 0; i < 5; i++) {
        assertThat(call(plain, "http://127.0.0.1:" + port + "/")).isEqualTo("plaintext");
        assertThat(call(tls, "https://127.0.0.1:" + port + "/")).isEqualTo("mtls cluster.local/ns/bookinfo/sa/productpage");
      }
      assertThat(plain.connectionPool().connectionCount()).isEqualTo(1);
      assertThat(tls.connectionPool().connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void aClientThatConnectsAndSaysNothingOrGarbageDoesNotHarmTheServer() throws Exception {
    int port = start(Mode.PERMISSIVE);
    try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), port)) {
      silent.getOutputStream().flush();
    }
    try (Socket garbage = new Socket(InetAddress.getLoopbackAddress(), port)) {
      // A whole TLS record whose handshake message is junk.
      garbage.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f});
      garbage.getOutputStream().flush();
      garbage.setSoTimeout(5000);
      // The TLS branch refuses it with an alert and a close, never a hang.
      long start = System.nanoTime();
      byte[] buffer = new byte[256];
      while (garbage.getInputStream().read(buffer) >= 0) {
        // drain the alert until the server closes
      }
      assertThat(System.nanoTime() - start).isLessThan(4_000_000_000L);
    }

    assertThat(curl("http://127.0.0.1:" + port + "/").output()).isEqualTo("plaintext\n200");
  }

  @Test
  void disableNeedsNoTlsConfigurator() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> JdkServerTls.configurator(Mode.DISABLE, serverCerts.sslContext()))
        .hasMessageStartingWith("mode: DISABLE (expected: STRICT or PERMISSIVE; a DISABLE port is a plain HttpServer");
  }

  private static String call(OkHttpClient client, String url) throws Exception {
    try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
      return response.body().string().trim();
    }
  }

  private Command.Result curl(String... args) {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-w", "%{http_code}"));
    command.addAll(List.of(args));
    return Command.run(dir, command);
  }

  /** curl checks DNS names, which mesh certificates do not carry; it pins the server's key instead. */
  private String serverPin() throws Exception {
    byte[] spki = serverCerts.current().certificate().getPublicKey().getEncoded();
    return "sha256//" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
  }
}
