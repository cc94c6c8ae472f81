package dev.meshlet.agent.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshlet.agent.Mesh;
import dev.meshlet.agent.ServiceIdentity;
import dev.meshlet.agent.server.jdk.MeshJdkServer;
import dev.meshlet.core.annotation.MeshClient;
import dev.meshlet.core.annotation.Retry;
import dev.meshlet.tls.pki.Pem;
import dev.meshlet.tls.pki.SpiffeCertificates;
import dev.meshlet.tls.workload.CertificateSnapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The admin endpoint over real HTTP, on a mesh with a config directory, a local CA, two real
 * upstreams of one service (one failing) and a served endpoint: what each page shows after real
 * traffic.
 */
class AdminEndpointTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  @TempDir Path ca;
  private final OkHttpClient http = new OkHttpClient.Builder().callTimeout(10, TimeUnit.SECONDS).build();
  private final MockWebServer good = new MockWebServer();
  private final MockWebServer bad = new MockWebServer();
  private Mesh mesh;
  private String admin;

  @MeshClient("reviews")
  @Retry(attempts = 2, retryOn = "5xx")
  interface Reviews {}

  @BeforeEach
  void start() throws Exception {
    good.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(mockwebserver3.RecordedRequest r) {
        return new MockResponse.Builder().code(200).body("ok").build();
      }
    });
    bad.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(mockwebserver3.RecordedRequest r) {
        return new MockResponse.Builder().code(500).body("broken").build();
      }
    });
    good.start(InetAddress.getByName("127.0.0.1"), 0);
    bad.start(InetAddress.getByName("127.0.0.1"), 0);
    Files.writeString(dir.resolve("reviews.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews}
            retries: {attempts: 0}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
            outlierDetection: {consecutive5xxErrors: 1, interval: 10s, baseEjectionTime: 60s, maxEjectionPercent: 50}
        """);
    mesh = Mesh.builder(ServiceIdentity.of("productpage").withLabel("app", "productpage").withLabel("version", "v1"))
        .clients(Reviews.class)
        .configDirectory(dir)
        .caDirectory(ca)
        .endpoint("reviews", "127.0.0.1", good.getPort())
        .endpoint("reviews", "127.0.0.1", bad.getPort())
        .admin(0)
        .build();
    admin = "http://127.0.0.1:" + mesh.adminAddress().orElseThrow().getPort();
  }

  @AfterEach
  void stop() {
    mesh.close();
    good.close();
    bad.close();
  }

  @Test
  void listensOnLoopbackAndItsIndexListsEveryEndpoint() throws IOException {
    assertThat(mesh.adminAddress().orElseThrow().getAddress().isLoopbackAddress()).isTrue();
    String index = get("/").body;
    assertThat(index).contains("spiffe://cluster.local/ns/default/sa/productpage")
        .contains("/stats/prometheus", "/config_dump", "/clusters", "/certs", "/healthz/ready", "/logging");
    assertThat(get("/nothing").status).isEqualTo(404);
  }

  @Test
  void statsPrometheusShowsCallsBothWaysWithIstiosLabelsAndPromtoolAcceptsIt() throws Exception {
    try (MeshJdkServer server = MeshJdkServer.builder(mesh.inboundContext()).port(0)
        .handler("/", exchange -> {
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        }).start()) {
      assertThat(call("http://reviews/reviews/0").code()).isIn(200, 500);
      try (Response r = http.newCall(new Request.Builder().url("http://127.0.0.1:" + server.port() + "/").build()).execute()) {
        assertThat(r.code()).isEqualTo(204);
      }
    }
    Reply scrape = get("/stats/prometheus");
    assertThat(scrape.status).isEqualTo(200);
    assertThat(scrape.type).startsWith("text/plain; version=0.0.4");
    assertThat(lines(scrape.body, "istio_requests_total{")).anySatisfy(l -> assertThat(l)
        .contains("reporter=\"source\"", "source_workload=\"productpage-v1\"", "source_app=\"productpage\"",
            "source_version=\"v1\"", "destination_service=\"reviews.default.svc.cluster.local\"",
            "destination_service_name=\"reviews\""));
    assertThat(lines(scrape.body, "istio_requests_total{")).anySatisfy(l -> assertThat(l)
        .contains("reporter=\"destination\"", "destination_workload=\"productpage-v1\"", "response_code=\"204\""));
    assertThat(scrape.body).contains("istio_request_duration_milliseconds_bucket{")
        .contains("meshlet_config_version").contains("meshlet_certificate_expiry_timestamp_seconds");

    Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    promtool.getOutputStream().write(scrape.body.getBytes(StandardCharsets.UTF_8));
    promtool.getOutputStream().close();
    String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
    // Exit 1 is a parse error; 3 is lint findings only. The one finding allowed is the base-unit lint
    // on Istio's own istio_request_duration_milliseconds, which Istio's metrics get from promtool too.
    assertThat(promtool.exitValue()).as("promtool check metrics said: %s", out).isIn(0, 3);
    assertThat(out.lines().toList()).as("promtool check metrics said: %s", out).allSatisfy(l -> assertThat(l)
        .matches("istio_request_duration_milliseconds(_max)? use base unit \"seconds\" instead of \"milliseconds\""));
  }

  @Test
  void configDumpShowsEachResourceWithItsSourceAndWhatItOverrode() throws IOException {
    Reply reply = get("/config_dump");
    assertThat(reply.type).isEqualTo("application/json");
    JsonNode dump = JSON.readTree(reply.body);
    assertThat(dump.get("version").asLong()).isPositive().isEqualTo(mesh.effectiveConfig().version());
    assertThat(dump.get("ready").asBoolean()).isTrue();
    JsonNode vs = find(dump.get("resources"), "VirtualService", "reviews");
    assertThat(vs.get("layer").asText()).isEqualTo("FILE");
    assertThat(vs.get("origin").asText()).isEqualTo("file " + dir);
    assertThat(vs.at("/resource/spec/http/0/retries/attempts").asInt()).isZero();
    assertThat(find(dump.get("resources"), "DestinationRule", "reviews").at("/resource/spec/trafficPolicy/loadBalancer/simple")
        .asText()).isEqualTo("ROUND_ROBIN");
    JsonNode overridden = find(dump.get("overridden"), "VirtualService", null);
    assertThat(overridden.get("layer").asText()).isEqualTo("ANNOTATION");
    assertThat(overridden.get("origin").asText()).isEqualTo("annotation on " + Reviews.class.getName());
    assertThat(overridden.get("by").asText()).contains("reviews");
    assertThat(overridden.get("reason").asText()).isNotBlank();
    assertThat(dump.at("/endpoints/reviews.default.svc.cluster.local").toString())
        .contains("127.0.0.1:" + good.getPort(), "127.0.0.1:" + bad.getPort());
  }

  @Test
  void clustersShowTheEndpointOutlierDetectionEjectedAfterItsFailure() throws IOException {
    for (int i = 0; i < 4; i++) {
      call("http://reviews/reviews/" + i).close();
    }
    String text = get("/clusters").body;
    String cluster = text.lines().filter(l -> l.endsWith("::lb_policy::ROUND_ROBIN")).findFirst().orElseThrow()
        .replace("::lb_policy::ROUND_ROBIN", "");
    assertThat(cluster).startsWith("outbound|").endsWith("||reviews.default.svc.cluster.local");
    assertThat(text).contains(cluster + "::outlier_detection::on")
        .contains(cluster + "::127.0.0.1:" + bad.getPort() + "::health_flags::/failed_outlier_check")
        .contains(cluster + "::127.0.0.1:" + bad.getPort() + "::ejections_total::1")
        .contains(cluster + "::127.0.0.1:" + good.getPort() + "::health_flags::healthy")
        .contains(cluster + "::127.0.0.1:" + good.getPort() + "::rq_active::0");

    JsonNode json = JSON.readTree(get("/clusters?format=json").body);
    JsonNode endpoints = json.at("/clusters/0/endpoints");
    assertThat(endpoints).hasSize(2);
    for (JsonNode e : endpoints) {
      boolean isBad = e.get("address").asText().equals("127.0.0.1:" + bad.getPort());
      assertThat(e.at("/outlier/ejected").asBoolean()).isEqualTo(isBad);
    }
    assertThat(json.at("/clusters/0/tlsMode").asText()).as("a hand-declared endpoint is outside the mesh").isEqualTo("DISABLE");
  }

  @Test
  void aTakenAdminPortFailsTheStartNamingIt() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Mesh.builder(ServiceIdentity.of("ratings"))
              .admin(taken.getLocalPort()).build())
          .hasMessageContaining("admin endpoint cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void certsShowTheSpiffeIdChainExpiryAndTrustBundleOfTheWorkloadCertificate() throws Exception {
    CertificateSnapshot current = mesh.certificates().orElseThrow().current();
    JsonNode certs = JSON.readTree(get("/certs").body);
    assertThat(certs.get("spiffeId").asText()).isEqualTo("spiffe://cluster.local/ns/default/sa/productpage");
    assertThat(certs.get("serialNumber").asText()).isEqualTo(current.certificate().getSerialNumber().toString(16));
    assertThat(certs.get("notAfter").asText()).isEqualTo(current.expiresAt().toString());
    assertThat(certs.get("secondsUntilExpiration").asLong()).isPositive();
    assertThat(certs.at("/chain/0/subjectAltNames/0").asText()).isEqualTo("spiffe://cluster.local/ns/default/sa/productpage");
    List<X509Certificate> chain = Pem.readCertificates(certs.get("chainPem").asText(), "/certs chainPem");
    assertThat(chain).isEqualTo(current.chain());
    assertThat(SpiffeCertificates.spiffeId(chain.get(0)).toString()).isEqualTo("spiffe://cluster.local/ns/default/sa/productpage");
    List<X509Certificate> roots = Pem.readCertificates(certs.at("/trustBundle/pem").asText(), "/certs trustBundle");
    assertThat(roots).isEqualTo(current.trustBundle().roots());
    assertThat(certs.at("/trustBundle/trustDomain").asText()).isEqualTo("cluster.local");
    assertThat(get("/certs").body).doesNotContain("PRIVATE KEY");
  }

  @Test
  void healthzReadyIs503WithTheReasonUntilTheConfigIsGoodThen200() throws Exception {
    Path other = Files.createDirectory(dir.resolve("other"));
    Files.writeString(other.resolve("bad.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings, namespace: default}
        spec:
          hosts: [ratings]
          http:
          - route:
            - destination: {host: ratings}
              weight: -5
        """);
    try (Mesh waiting = Mesh.builder(ServiceIdentity.of("ratings")).configDirectory(other).admin(0).build()) {
      String url = "http://127.0.0.1:" + waiting.adminAddress().orElseThrow().getPort();
      Reply before = get(url, "/healthz/ready");
      assertThat(before.status).isEqualTo(503);
      assertThat(before.body).contains("config from " + other).contains("weight");

      Files.writeString(other.resolve("bad.yaml"), "");
      waiting.reloadConfig();
      assertThat(waiting.awaitReady(java.time.Duration.ofSeconds(5))).isTrue();
      Reply after = get(url, "/healthz/ready");
      assertThat(after.status).isEqualTo(200);
      assertThat(after.body).isEqualTo("LIVE\n");
    }
  }

  @Test
  void loggingChangesALevelAtRunTimeForLoggersMadeBeforeAndAfter() throws IOException {
    org.slf4j.Logger before = LoggerFactory.getLogger("dev.meshlet.admintest.Before");
    assertThat(before.isDebugEnabled()).isFalse();

    Reply changed = post("/logging?dev.meshlet.admintest=debug");
    assertThat(changed.status).isEqualTo(200);
    assertThat(changed.body).contains("backend: slf4j-simple").contains("dev.meshlet.admintest: debug");
    assertThat(before.isDebugEnabled()).isTrue();
    assertThat(LoggerFactory.getLogger("dev.meshlet.admintest.After").isDebugEnabled()).isTrue();
    assertThat(LoggerFactory.getLogger("dev.meshlet.other").isDebugEnabled()).isFalse();

    assertThat(post("/logging?dev.meshlet.admintest=loud").status).isEqualTo(400);
    assertThat(post("/logging?dev.meshlet.admintest=loud").body).contains("'loud'").contains("expected: one of");
    assertThat(before.isDebugEnabled()).as("a refused change changes nothing").isTrue();
    assertThat(post("/logging?dev.meshlet.admintest=info").status).isEqualTo(200);
    assertThat(before.isDebugEnabled()).isFalse();
  }

  @Test
  void julLevelsChangeAndStayWhileTheLoggerIsHeld() {
    LogLevels jul = LogLevels.jul();
    jul.set("dev.meshlet.admintest.jul", "debug");
    System.gc();
    assertThat(java.util.logging.Logger.getLogger("dev.meshlet.admintest.jul.Child").isLoggable(java.util.logging.Level.FINE)).isTrue();
    jul.set("dev.meshlet.admintest.jul", "warn");
    assertThat(java.util.logging.Logger.getLogger("dev.meshlet.admintest.jul").isLoggable(java.util.logging.Level.INFO)).isFalse();
  }

  @Test
  void changesAreRefusedFromOtherThanLoopback() throws Exception {
    // The address this host would send from toward another network (a UDP connect sends nothing).
    InetAddress external;
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket()) {
      probe.connect(InetAddress.getByName("10.255.255.254"), 9);
      external = probe.getLocalAddress();
    }
    if (external != null && (external.isAnyLocalAddress() || external.isLoopbackAddress())) {
      external = null;
    }
    assumeThat(external).as("a non-loopback IPv4 address on this machine").isNotNull();
    try (Mesh open = Mesh.builder(ServiceIdentity.of("ratings")).admin(new AdminOptions("0.0.0.0", 0)).build()) {
      String url = "http://" + external.getHostAddress() + ":" + open.adminAddress().orElseThrow().getPort();
      assertThat(get(url, "/healthz/ready").status).as("reads are served to anyone it listens for").isEqualTo(200);
      Reply refused = send(url, "/logging?dev.meshlet.admintest=debug", true);
      assertThat(refused.status).isEqualTo(403);
      assertThat(refused.body).contains("loopback only");
    }
  }

  private record Reply(int status, String type, String body) {}

  private Reply get(String path) throws IOException {
    return get(admin, path);
  }

  private Reply post(String path) throws IOException {
    return send(admin, path, true);
  }

  private Reply get(String base, String path) throws IOException {
    return send(base, path, false);
  }

  private Reply send(String base, String path, boolean post) throws IOException {
    Request.Builder b = new Request.Builder().url(base + path);
    if (post) {
      b.post(RequestBody.create(new byte[0], MediaType.get("text/plain")));
    }
    try (Response r = http.newCall(b.build()).execute()) {
      return new Reply(r.code(), r.header("Content-Type", ""), r.body().string());
    }
  }

  private Response call(String url) throws IOException {
    return mesh.httpClient().newCall(new Request.Builder().url(url).build()).execute();
  }

  private static List<String> lines(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).toList();
  }

  private static JsonNode find(JsonNode list, String kind, String name) {
    for (JsonNode n : list) {
      if (n.get("kind").asText().equals(kind) && (name == null || n.get("name").asText().equals(name))) {
        return n;
      }
    }
    throw new AssertionError("no " + kind + " " + name + " in " + list);
  }
}
