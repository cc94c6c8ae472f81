package dev.meshlet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.agent.client.GET;
import dev.meshlet.agent.client.Path;
import dev.meshlet.core.annotation.CircuitBreaker;
import dev.meshlet.core.annotation.LoadBalancer;
import dev.meshlet.core.annotation.MeshClient;
import dev.meshlet.core.annotation.MeshService;
import dev.meshlet.core.annotation.Retry;
import dev.meshlet.core.annotation.Timeout;
import dev.meshlet.core.config.source.ConfigLayer;
import dev.meshlet.core.registry.WorkloadInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.meshlet.routing.MeshCallException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service built only from annotations behaves exactly as the same policies written in YAML. */
class AnnotationsMatchYamlTest {
  @TempDir java.nio.file.Path dir;
  private final Upstream reviews;

  AnnotationsMatchYamlTest() throws IOException {
    reviews = new Upstream();
  }

  @AfterEach
  void close() {
    reviews.close();
  }

  @MeshClient("reviews")
  @Retry(attempts = 2, retryOn = "5xx")
  @Timeout("5s")
  interface Reviews {
    @GET("/reviews/{id}")
    String reviews(@Path("id") int id) throws IOException;
  }

  @MeshService(name = "productpage", version = "v1")
  static final class ProductPage {
    @MeshClient("reviews")
    @Retry(attempts = 2, retryOn = "5xx", perTryTimeout = "3s")
    @Timeout("1s")
    OkHttpClient http;
  }

  static final String YAML = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: default}
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
          timeout: 1s
          retries: {attempts: 2, retryOn: 5xx, perTryTimeout: 3s}
      """;

  /** What the application saw, and how many requests the server got. */
  record Outcome(int status, String body, String failure, int requests) {}

  private Outcome call(OkHttpClient client, Runnable arrange) {
    int before = reviews.count();
    arrange.run();
    try (Response r = client.newCall(new Request.Builder().url("http://reviews/reviews/1").build()).execute()) {
      return new Outcome(r.code(), r.body().string(), "", reviews.count() - before);
    } catch (MeshCallException e) {
      return new Outcome(0, "", e.flag().name(), reviews.count() - before);
    } catch (IOException e) {
      return new Outcome(0, "", e.getClass().getSimpleName(), reviews.count() - before);
    }
  }

  private Outcome[] scenarios(OkHttpClient client) {
    AtomicInteger n = new AtomicInteger();
    return new Outcome[] {
      // two 503s then a 200: retried twice, the application sees the 200
      call(client, () -> {
        n.set(0);
        reviews.respond(r -> n.incrementAndGet() <= 2
            ? new MockResponse.Builder().code(503).build()
            : new MockResponse.Builder().code(200).body("ok").build());
      }),
      // always 503: three tries, then the last 503
      call(client, () -> reviews.respond(r -> new MockResponse.Builder().code(503).body("down").build())),
      // slower than the route timeout: the whole call gives up after 1 s
      call(client, () -> reviews.respond(r -> new MockResponse.Builder().headersDelay(4, TimeUnit.SECONDS).build())),
    };
  }

  @Test
  void anAnnotatedServiceRetriesAndTimesOutAsTheEquivalentYamlDoes() throws Exception {
    Outcome[] fromAnnotations;
    try (Mesh mesh = Mesh.builder(ProductPage.class).endpoint("reviews", "127.0.0.1", reviews.port()).build()) {
      ProductPage app = mesh.inject(new ProductPage());
      assertThat(mesh.effectiveConfig().resources()).allSatisfy(r -> assertThat(r.layer()).isEqualTo(ConfigLayer.ANNOTATION));
      fromAnnotations = scenarios(app.http);
    }
    Files.writeString(dir.resolve("reviews.yaml"), YAML);
    Outcome[] fromYaml;
    try (Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage").withLabel("version", "v1"))
        .configDirectory(dir).endpoint("reviews", "127.0.0.1", reviews.port()).build()) {
      assertThat(mesh.effectiveConfig().resources()).singleElement()
          .satisfies(r -> assertThat(r.layer()).isEqualTo(ConfigLayer.FILE));
      fromYaml = scenarios(mesh.httpClient());
    }

    assertThat(fromAnnotations).containsExactly(fromYaml);
    assertThat(fromYaml[0]).isEqualTo(new Outcome(200, "ok", "", 3));
    assertThat(fromYaml[1].status()).isEqualTo(503);
    assertThat(fromYaml[1].requests()).isEqualTo(3);
    assertThat(fromYaml[2].failure()).isEqualTo("UT");
  }

  @Test
  void aDeclarativeClientDecodesTheAnswerAndObeysItsInterfacesPolicies() throws Exception {
    AtomicInteger n = new AtomicInteger();
    reviews.respond(r -> n.incrementAndGet() == 1
        ? new MockResponse.Builder().code(503).build()
        : new MockResponse.Builder().code(200).body("review " + r.getUrl().encodedPath()).build());
    try (Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage")).clients(Reviews.class)
        .endpoint("reviews", "127.0.0.1", reviews.port()).build()) {
      Reviews client = mesh.client(Reviews.class);

      assertThat(client.reviews(7)).isEqualTo("review /reviews/7");
      assertThat(reviews.count()).isEqualTo(2);
      assertThat(mesh.effectiveConfig().resources()).singleElement()
          .satisfies(r -> assertThat(r.origin()).isEqualTo("annotation on " + Reviews.class.getName()));
    }
  }

  @MeshService(name = "productpage")
  static final class Ratings {
    @MeshClient("ratings")
    @LoadBalancer(LoadBalancer.Policy.ROUND_ROBIN)
    @CircuitBreaker(consecutive5xxErrors = 1, interval = "10s", baseEjectionTime = "60s", maxEjectionPercent = 100)
    OkHttpClient http;
  }

  static final String RATINGS_YAML = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: ratings, namespace: default}
      spec:
        host: ratings
        trafficPolicy:
          loadBalancer: {simple: ROUND_ROBIN}
          outlierDetection: {consecutive5xxErrors: 1, interval: 10s, baseEjectionTime: 60s, maxEjectionPercent: 100}
      """;

  /** Statuses of ten calls to ratings, whose one endpoint of two always fails. */
  private static List<Integer> tenCalls(OkHttpClient client) throws IOException {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      try (Response r = client.newCall(new Request.Builder().url("http://ratings/ratings/" + i).build()).execute()) {
        statuses.add(r.code());
      }
    }
    return statuses;
  }

  @Test
  void anAnnotatedCircuitBreakerEjectsAFailingEndpointAsTheEquivalentDestinationRuleDoes() throws Exception {
    try (Upstream healthy = new Upstream(); Upstream broken = new Upstream()) {
      broken.respond(r -> new MockResponse.Builder().code(500).build());
      WorkloadInstance[] ratings = {
        new WorkloadInstance("ratings", "default", "127.0.0.1", Map.of("http", healthy.port()), Map.of(), null, null),
        new WorkloadInstance("ratings", "default", "127.0.0.1", Map.of("http", broken.port()), Map.of(), null, null)};

      List<Integer> fromAnnotations;
      try (Mesh mesh = Mesh.builder(Ratings.class).endpoints(ratings).build()) {
        fromAnnotations = tenCalls(mesh.inject(new Ratings()).http);
      }
      int brokenAfterAnnotations = broken.count();
      Files.writeString(dir.resolve("ratings.yaml"), RATINGS_YAML);
      List<Integer> fromYaml;
      try (Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage")).configDirectory(dir).endpoints(ratings).build()) {
        fromYaml = tenCalls(mesh.httpClient());
      }

      assertThat(fromAnnotations).containsOnlyOnce(500).containsOnly(200, 500);
      assertThat(brokenAfterAnnotations).as("ejected after its first 5xx").isEqualTo(1);
      assertThat(fromYaml).containsOnlyOnce(500).containsOnly(200, 500);
      assertThat(broken.count()).isEqualTo(2);
    }
  }
}
