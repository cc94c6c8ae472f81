package dev.meshlet.discovery.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshlet.core.protocol.LeaseGrant;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.core.protocol.Registration;
import dev.meshlet.discovery.api.DiscoveryServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/** A real discovery server on a free loopback port, a test clock, and a real OkHttp client. */
public final class TestServer implements AutoCloseable {
  public static final MediaType JSON = MediaType.get("application/json");
  public static final MediaType YAML = MediaType.get("application/yaml");

  public final Path dir;
  public final TestClock clock;
  public final DiscoveryServer server;
  public final OkHttpClient http;

  private TestServer(Path dir, TestClock clock, DiscoveryServer server) {
    this.dir = dir;
    this.clock = clock;
    this.server = server;
    this.http = new OkHttpClient.Builder().readTimeout(0, TimeUnit.SECONDS).callTimeout(Duration.ZERO).build();
  }

  public static TestServer start(Path dir) throws Exception {
    return start(dir, new TestClock());
  }

  /** A plain-HTTP server (the TLS tests start their own). */
  public static TestServer start(Path dir, TestClock clock) throws Exception {
    DiscoveryServer s = DiscoveryServer.builder(dir)
        .tls(false)
        .port(0)
        .clock(clock)
        .leaseTtl(Duration.ofSeconds(30))
        .heartbeat(Duration.ofMillis(200))
        .sweepEvery(Duration.ofHours(1)) // tests sweep by hand after moving the clock
        .start();
    return new TestServer(dir, clock, s);
  }

  /**
   * A plain-HTTP replica keeping its state in etcd under {@code prefix}, with a real clock (etcd
   * times the leases) and leases of {@code leaseTtl}.
   */
  public static TestServer startOnEtcd(Path dir, List<String> etcd, String prefix, Duration leaseTtl) throws Exception {
    DiscoveryServer s = DiscoveryServer.builder(dir)
        .tls(false)
        .port(0)
        .etcd(etcd)
        .etcdPrefix(prefix)
        .leaseTtl(leaseTtl)
        .heartbeat(Duration.ofMillis(200))
        .start();
    return new TestServer(dir, new TestClock(), s);
  }

  public String url() {
    return server.url();
  }

  public String admin() {
    return server.adminToken();
  }

  /** A call's status and body. */
  public record Reply(int status, String body) {
    public JsonNode json() {
      try {
        return ProtocolJson.mapper().readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  public Reply call(String method, String path, @Nullable String token, @Nullable RequestBody body) throws IOException {
    Request.Builder b = new Request.Builder().url(url() + path);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.method(method, body);
    try (Response r = http.newCall(b.build()).execute()) {
      return new Reply(r.code(), r.body().string());
    }
  }

  public Reply apply(String yaml) throws IOException {
    return call("POST", "/v1/config?source=test.yaml", admin(), RequestBody.create(yaml, YAML));
  }

  public long version() throws IOException {
    return call("GET", "/healthz", null, null).json().path("version").asLong();
  }

  public String token(String serviceAccount, String namespace) throws IOException {
    Reply r = call("POST", "/v1/tokens", admin(),
        RequestBody.create(ProtocolJson.write(Map.of("serviceAccount", serviceAccount, "namespace", namespace)), JSON));
    if (r.status() != 201) {
      throw new AssertionError("token: " + r);
    }
    return r.json().path("token").asText();
  }

  public LeaseGrant register(String token, Registration reg) throws IOException {
    Reply r = call("POST", "/v1/registrations", token, RequestBody.create(ProtocolJson.write(reg), JSON));
    if (r.status() != 201) {
      throw new AssertionError("register: " + r);
    }
    return ProtocolJson.read(r.body(), LeaseGrant.class);
  }

  public static Registration workload(String service, String namespace, String address, Map<String, String> labels) {
    return new Registration(null, service, namespace, address, Map.of("http", 9080), labels, null, null);
  }

  public Reply ack(String token, String leaseId, long version, @Nullable String error) throws IOException {
    Map<String, Object> body = error == null
        ? Map.of("leaseId", leaseId, "version", version)
        : Map.of("leaseId", leaseId, "version", version, "error", error);
    return call("POST", "/v1/ack", token, RequestBody.create(ProtocolJson.write(body), JSON));
  }

  @Override
  public void close() throws IOException {
    // Idle keep-alive connections first: Jetty's graceful stop would wait for them.
    http.dispatcher().cancelAll();
    http.connectionPool().evictAll();
    server.close();
    http.dispatcher().executorService().shutdown();
  }
}
