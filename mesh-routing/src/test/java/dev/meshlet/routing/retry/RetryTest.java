package dev.meshlet.routing.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.routing.CallOptions;
import dev.meshlet.routing.CallerIdentity;
import dev.meshlet.routing.MeshCallException;
import dev.meshlet.routing.MeshHeaders;
import dev.meshlet.routing.ResponseFlag;
import dev.meshlet.routing.testing.Backend;
import dev.meshlet.routing.testing.MeshFixture;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryTest {
  private static final String RATINGS = "ratings.default.svc.cluster.local";
  private final MeshFixture mesh = new MeshFixture();

  @AfterEach
  void close() throws Exception {
    mesh.close();
  }

  private void route(String retries) {
    mesh.config("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings, namespace: default}
        spec:
          hosts: [ratings]
          http:
          - name: main
            %s
            route: [{destination: {host: ratings}}]
        """.formatted(retries));
  }

  private void start() {
    mesh.start(CallerIdentity.of("productpage", "default"), 7, b -> b.retryBudget(RetryBudgetConfig.UNLIMITED));
  }

  @ParameterizedTest(name = "retryOn {0} with status {1}: {2} tries")
  @CsvSource({
      "5xx, 500, 4",
      "5xx, 404, 1",
      "gateway-error, 502, 4",
      "gateway-error, 500, 1",
      "retriable-4xx, 409, 4",
      "retriable-4xx, 400, 1",
      "'retriable-status-codes,418', 418, 4",
      "'418', 418, 4",
      "connect-failure, 503, 1",
  })
  void retriesTheStatusesItsConditionsNameAndNoOthers(String retryOn, int status, int tries) throws Exception {
    Backend ratings = mesh.backend(RATINGS, "ratings").respondStatus(status);
    route("retries: {attempts: 3, retryOn: \"%s\", backoff: 1ms}".formatted(retryOn));
    start();
    Response r = mesh.get("http://ratings/r");
    assertThat(r.code()).isEqualTo(status);
    assertThat(ratings.count()).isEqualTo(tries);
    if (tries > 1) {
      assertThat(r.header(MeshHeaders.RESPONSE_FLAGS)).isEqualTo("URX");
    }
  }

  @Test
  void withoutAPolicyRetriesA503TwiceAndA500Never() throws Exception {
    Backend ratings = mesh.backend(RATINGS, "ratings").respondStatus(503);
    start(); // no VirtualService: Istio's default policy
    assertThat(mesh.get("http://ratings/r").code()).isEqualTo(503);
    assertThat(ratings.count()).isEqualTo(3);
    ratings.respondStatus(500);
    assertThat(mesh.get("http://ratings/r").code()).isEqualTo(500);
    assertThat(ratings.count()).isEqualTo(4);
  }

  @Test
  void retriesAConnectFailureOnAnotherEndpointEvenForPost() throws Exception {
    mesh.deadEndpoint(RATINGS);
    Backend alive = mesh.backend(RATINGS, "alive");
    route("retries: {attempts: 2, retryOn: connect-failure, backoff: 1ms}");
    start();
    for (int i = 0; i < 4; i++) {
      Response r = mesh.call(new Request.Builder().url("http://ratings/r")
          .post(RequestBody.create("{}", MediaType.get("application/json"))).build());
      assertThat(r.code()).isEqualTo(200);
    }
    assertThat(alive.count()).isEqualTo(4);
  }

  @Test
  void doesNotRetryAPostOnceItMayHaveReachedTheServer() throws Exception {
    Backend ratings = mesh.backend(RATINGS, "ratings")
        .respond(r -> new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    route("retries: {attempts: 3, retryOn: \"5xx,reset\", backoff: 1ms}");
    start();
    Request post = new Request.Builder().url("http://ratings/pay")
        .post(RequestBody.create("{\"amount\": 10}", MediaType.get("application/json"))).build();
    assertThatThrownBy(() -> mesh.call(post))
        .isInstanceOfSatisfying(MeshCallException.class, e -> {
          assertThat(e.flag()).isEqualTo(ResponseFlag.UR);
          assertThat(e.getMessage()).contains("POST is not idempotent");
        });
    assertThat(ratings.count()).isEqualTo(1);

    ratings.received().clear();
    assertThatThrownBy(() -> mesh.get("http://ratings/r")).isInstanceOf(MeshCallException.class);
    assertThat(ratings.count()).as("GET is retried").isEqualTo(4);

    ratings.received().clear();
    Request marked = post.newBuilder().tag(CallOptions.class, CallOptions.IDEMPOTENT).build();
    assertThatThrownBy(() -> mesh.call(marked))
        .isInstanceOfSatisfying(MeshCallException.class, e -> assertThat(e.flag()).isEqualTo(ResponseFlag.URX));
    assertThat(ratings.count()).as("a POST the application marks idempotent is retried").isEqualTo(4);
  }

  @Test
  void doesNotRetryAPostThatGotA503() throws Exception {
    Backend ratings = mesh.backend(RATINGS, "ratings").respondStatus(503);
    route("retries: {attempts: 3, retryOn: 5xx, backoff: 1ms}");
    start();
    Response r = mesh.call(new Request.Builder().url("http://ratings/pay")
        .post(RequestBody.create("x", MediaType.get("text/plain"))).build());
    assertThat(r.code()).isEqualTo(503);
    assertThat(ratings.count()).isEqualTo(1);
  }

  @Test
  void perTryTimeoutRetriesASlowTryAndTheRouteTimeoutBoundsTheWhole() throws Exception {
    AtomicInteger n = new AtomicInteger();
    Backend ratings = mesh.backend(RATINGS, "ratings").respond(r -> n.incrementAndGet() == 1
        ? new MockResponse.Builder().headersDelay(2, TimeUnit.SECONDS).body("slow").build()
        : new MockResponse.Builder().body("fast").build());
    route("timeout: 5s\n    retries: {attempts: 2, perTryTimeout: 200ms, retryOn: 5xx, backoff: 1ms}");
    start();
    Response r = mesh.get("http://ratings/r");
    assertThat(r.body().string()).isEqualTo("fast");
    assertThat(ratings.count()).isEqualTo(2);
    long propagated = Long.parseLong(ratings.received().get(1).getHeaders().get(MeshHeaders.DEADLINE_MS));
    assertThat(propagated).isBetween(1L, 200L);

    ratings.respond(x -> new MockResponse.Builder().headersDelay(2, TimeUnit.SECONDS).build());
    ratings.received().clear();
    route("timeout: 500ms\n    retries: {attempts: 10, perTryTimeout: 200ms, retryOn: 5xx, backoff: 1ms}");
    long start = System.nanoTime();
    assertThatThrownBy(() -> mesh.get("http://ratings/r"))
        .isInstanceOfSatisfying(MeshCallException.class, e -> {
          assertThat(e.flag()).isEqualTo(ResponseFlag.UT);
          assertThat(e.route()).isEqualTo("default/ratings:main");
        });
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(tookMillis).isBetween(450L, 1500L);
    assertThat(ratings.count()).isBetween(2, 3);
  }

  @Test
  void theRetryBudgetCapsARetryStorm() throws Exception {
    Backend ratings = mesh.backend(RATINGS, "ratings").respondStatus(503);
    route("retries: {attempts: 3, retryOn: 5xx, backoff: 1ms}");
    Clock frozen = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    mesh.start(CallerIdentity.of("productpage", "default"), 7,
        b -> b.clock(frozen).retryBudget(new RetryBudgetConfig(0.2, 1, java.time.Duration.ofSeconds(10))));
    int calls = 200;
    for (int i = 0; i < calls; i++) {
      mesh.get("http://ratings/r").close();
    }
    // Without a budget: 800 tries. With it: 200 first tries plus 20% of them plus the floor of 1/s over 10 s.
    assertThat(ratings.count()).isLessThanOrEqualTo(calls + (int) (0.2 * calls) + 10);
    assertThat(ratings.count()).isGreaterThanOrEqualTo(calls + (int) (0.2 * calls));
  }

  @Test
  void aDeadlineTheApplicationPassesOnCutsTheCallShort() throws Exception {
    Backend ratings = mesh.backend(RATINGS, "ratings")
        .respond(r -> new MockResponse.Builder().headersDelay(3, TimeUnit.SECONDS).build());
    start(); // no VirtualService: no route timeout
    long start = System.nanoTime();
    assertThatThrownBy(() -> mesh.call(new Request.Builder().url("http://ratings/r")
        .header(MeshHeaders.DEADLINE_MS, "300").build()))
        .isInstanceOfSatisfying(MeshCallException.class, e -> assertThat(e.flag()).isEqualTo(ResponseFlag.UT));
    assertThat((System.nanoTime() - start) / 1_000_000).isBetween(250L, 2500L);
    long sent = Long.parseLong(ratings.received().get(0).getHeaders().get(MeshHeaders.DEADLINE_MS));
    assertThat(sent).isBetween(1L, 300L);
  }
}
