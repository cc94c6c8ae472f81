package dev.meshlet.agent.discovery;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.core.protocol.ProxyStatus;
import dev.meshlet.discovery.api.DiscoveryServer;
import dev.meshlet.tls.identity.TrustDomain;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.pki.TrustBundle;
import dev.meshlet.tls.verify.AllowedPeers;
import dev.meshlet.tls.verify.MeshHostnameVerifier;
import dev.meshlet.tls.verify.SpiffeTrustManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * A real discovery server from mesh-discovery on a loopback port with its own data directory,
 * which a test can stop and start again on the same port and data, and the admin calls a test
 * makes of it.
 */
final class LocalDiscovery implements AutoCloseable {
  /** Fast heartbeats so that the agents' dead-stream detection is exercised in test time. */
  static final Duration HEARTBEAT = Duration.ofMillis(200);

  final Path data;
  private final boolean tls;
  private final Duration leaseTtl;
  private List<String> etcd = List.of();
  private String etcdPrefix = "/meshlet/";
  private @Nullable OkHttpClient http;
  private @Nullable DiscoveryServer server;
  private int port;

  private LocalDiscovery(Path data, boolean tls, Duration leaseTtl) {
    this.data = data;
    this.tls = tls;
    this.leaseTtl = leaseTtl;
  }

  /** A server with TLS from its own CA, as {@code meshctl server} runs by default. */
  static LocalDiscovery start(Path data) throws Exception {
    return start(data, true, Duration.ofSeconds(30));
  }

  /** A server whose leases live {@code leaseTtl} and are swept every 50 ms. */
  static LocalDiscovery start(Path data, boolean tls, Duration leaseTtl) throws Exception {
    LocalDiscovery d = new LocalDiscovery(data, tls, leaseTtl);
    d.startAgain();
    return d;
  }

  /** A TLS replica keeping its state in etcd under {@code prefix}; leases live {@code leaseTtl}. */
  static LocalDiscovery startOnEtcd(Path data, List<String> etcd, String prefix, Duration leaseTtl) throws Exception {
    LocalDiscovery d = new LocalDiscovery(data, true, leaseTtl);
    d.etcd = List.copyOf(etcd);
    d.etcdPrefix = prefix;
    d.startAgain();
    return d;
  }

  /** The mesh root the server's CA keeps in {@code DATA/ca/root-cert.pem}: what agents trust. */
  List<X509Certificate> roots() throws IOException {
    Path pem = data.resolve("ca").resolve("root-cert.pem");
    return Pem.readCertificates(Files.readString(pem, StandardCharsets.US_ASCII), pem.toString());
  }

  /** An admin's client, verifying the server as agents do. */
  private OkHttpClient http() throws IOException {
    if (http == null) {
      OkHttpClient.Builder b = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10));
      if (tls) {
        AllowedPeers server = AllowedPeers.only(DiscoveryConfig.DEFAULT_SERVER_IDENTITY);
        // The roots on disk at each handshake: a root rotation reaches the admin's client too.
        SpiffeTrustManager trust = new SpiffeTrustManager(() -> {
          try {
            return TrustBundle.of(TrustDomain.DEFAULT, roots());
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, Clock.systemUTC(), AllowedPeers.any(), h -> server);
        try {
          SSLContext context = SSLContext.getInstance("TLS");
          context.init(null, new TrustManager[] {trust}, null);
          b.sslSocketFactory(context.getSocketFactory(), trust).hostnameVerifier(new MeshHostnameVerifier(h -> server));
        } catch (GeneralSecurityException e) {
          throw new IOException(e);
        }
      }
      http = b.build();
    }
    return http;
  }

  /** Starts the server (again) on its port and data directory. */
  void startAgain() throws Exception {
    if (server != null) {
      throw new IllegalStateException("already running");
    }
    server = DiscoveryServer.builder(data).port(port).tls(tls).heartbeat(HEARTBEAT).leaseTtl(leaseTtl)
        .sweepEvery(Duration.ofMillis(50)).etcd(etcd).etcdPrefix(etcdPrefix).start();
    port = server.port();
  }

  /** Stops the server; its data stays for {@link #startAgain()}. */
  void stop() throws IOException {
    if (http != null) {
      http.connectionPool().evictAll();
    }
    if (server != null) {
      server.close();
      server = null;
    }
  }

  String url() {
    return (tls ? "https" : "http") + "://127.0.0.1:" + port;
  }

  String admin() {
    return running().adminToken();
  }

  private DiscoveryServer running() {
    if (server == null) {
      throw new IllegalStateException("the server is stopped");
    }
    return server;
  }

  record Reply(int status, String body) {
    JsonNode json() throws IOException {
      return ProtocolJson.mapper().readTree(body);
    }
  }

  Reply call(String method, String path, @Nullable String body) throws IOException {
    Request.Builder b = new Request.Builder().url(url() + path).header("Authorization", "Bearer " + admin());
    b.method(method, body == null ? null : RequestBody.create(body, MediaType.get("application/json")));
    try (Response r = http().newCall(b.build()).execute()) {
      return new Reply(r.code(), r.body().string());
    }
  }

  /** Applies YAML through the API; returns the version it made. */
  long apply(String yaml) throws IOException {
    Request req = new Request.Builder().url(url() + "/v1/config?source=test.yaml")
        .header("Authorization", "Bearer " + admin())
        .post(RequestBody.create(yaml, MediaType.get("application/yaml"))).build();
    try (Response resp = http().newCall(req).execute()) {
      String body = resp.body().string();
      if (resp.code() != 200) {
        throw new AssertionError("apply: HTTP " + resp.code() + " " + body);
      }
      return ProtocolJson.mapper().readTree(body).path("version").asLong();
    }
  }

  long version() throws IOException {
    return call("GET", "/healthz", null).json().path("version").asLong();
  }

  String token(String serviceAccount, String namespace) throws IOException {
    Reply r = call("POST", "/v1/tokens", ProtocolJson.write(Map.of("serviceAccount", serviceAccount, "namespace", namespace)));
    if (r.status() != 201) {
      throw new AssertionError("token: " + r);
    }
    return r.json().path("token").asText();
  }

  List<ProxyStatus> status() throws IOException {
    Reply r = call("GET", "/v1/status", null);
    return ProtocolJson.mapper().readValue(r.body(), new TypeReference<List<ProxyStatus>>() {});
  }

  Optional<ProxyStatus> statusOf(String leaseId) throws IOException {
    return status().stream().filter(s -> s.leaseId().equals(leaseId)).findFirst();
  }

  @Override
  public void close() throws IOException {
    stop();
    if (http != null) {
      http.dispatcher().executorService().shutdown();
    }
  }
}
