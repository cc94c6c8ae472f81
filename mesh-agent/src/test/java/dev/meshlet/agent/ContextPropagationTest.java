package dev.meshlet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.agent.context.RequestScope;
import dev.meshlet.routing.MeshCallException;
import dev.meshlet.routing.ResponseFlag;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Outbound calls made while serving a request carry its trace context and deadline, with no header copied by hand. */
class ContextPropagationTest {
  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private final Upstream reviews;
  private final Mesh mesh;
  private final OkHttpClient http;

  ContextPropagationTest() throws IOException {
    reviews = new Upstream();
    mesh = Mesh.builder(ServiceIdentity.of("productpage")).endpoint("reviews", "127.0.0.1", reviews.port()).build();
    http = mesh.httpClient();
  }

  @AfterEach
  void close() {
    mesh.close();
    reviews.close();
  }

  /** What a server adapter makes of an inbound request's headers (lower case) and deadline. */
  private static RequestScope inbound(Map<String, String> headers) {
    return inbound(headers, null);
  }

  private static RequestScope inbound(Map<String, String> headers, Duration deadline) {
    return RequestScope.of(headers, deadline == null ? null : Clock.systemUTC().instant().plus(deadline));
  }

  private static Request get() {
    return new Request.Builder().url("http://reviews/reviews/1").build();
  }

  @Test
  void traceHeadersRequestIdAndDeadlineFlowFromTheServedRequestToItsCalls() throws Exception {
    RequestScope ctx = inbound(Map.of("traceparent", TRACEPARENT, "x-request-id", "req-42", "baggage", "user=jason",
        "authorization", "secret"), Duration.ofSeconds(3));
    try (RequestScope scope = ctx.attach(); Response r = http.newCall(get()).execute()) {
      assertThat(r.code()).isEqualTo(200);
    }

    assertThat(reviews.header(0, "traceparent")).isEqualTo(TRACEPARENT);
    assertThat(reviews.header(0, "x-request-id")).isEqualTo("req-42");
    assertThat(reviews.header(0, "baggage")).isEqualTo("user=jason");
    assertThat(reviews.header(0, "authorization")).as("only the propagation headers are passed on").isNull();
    assertThat(Long.parseLong(reviews.header(0, "x-meshlet-deadline-ms"))).isBetween(1L, 3000L);
  }

  @Test
  void aCallEnqueuedWhileServingCarriesTheContextOnTheDispatcherThread() throws Exception {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    try (RequestScope scope = inbound(Map.of("x-request-id", "async-1")).attach()) {
      http.newCall(get()).enqueue(new Callback() {
        @Override
        public void onFailure(Call call, IOException e) {
          done.completeExceptionally(e);
        }

        @Override
        public void onResponse(Call call, Response response) {
          response.close();
          done.complete(response.code());
        }
      });
    }
    assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    assertThat(reviews.header(0, "x-request-id")).isEqualTo("async-1");
  }

  @Test
  void theServedRequestsDeadlineCutsTheCallShort() {
    reviews.respond(r -> new MockResponse.Builder().headersDelay(6, TimeUnit.SECONDS).build());
    long start = System.nanoTime();
    try (RequestScope scope = inbound(Map.of(), Duration.ofMillis(300)).attach()) {
      assertThatThrownBy(() -> http.newCall(get()).execute().close())
          .isInstanceOfSatisfying(MeshCallException.class, e -> assertThat(e.flag()).isEqualTo(ResponseFlag.UT));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void aDeadlineAlreadyPassedFailsTheCallWithoutSendingIt() {
    try (RequestScope scope = inbound(Map.of(), Duration.ofMillis(-50)).attach()) {
      assertThatThrownBy(() -> http.newCall(get()).execute().close())
          .isInstanceOfSatisfying(MeshCallException.class, e -> {
            assertThat(e.flag()).isEqualTo(ResponseFlag.UT);
            assertThat(e.getMessage()).contains("deadline of the request being served passed");
          });
    }
    assertThat(reviews.count()).isZero();
  }

  @Test
  void outsideAnyScopeNothingIsAddedAndScopesRestoreWhatWasCurrent() throws Exception {
    try (Response r = http.newCall(get()).execute()) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThat(reviews.header(0, "x-request-id")).isNull();
    assertThat(reviews.header(0, "traceparent")).isNull();

    RequestScope outer = inbound(Map.of("x-request-id", "outer"));
    try (RequestScope a = outer.attach()) {
      try (RequestScope b = inbound(Map.of("x-request-id", "inner")).attach();
          Response r = http.newCall(get()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      try (Response r = http.newCall(get()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
    }
    assertThat(reviews.header(1, "x-request-id")).isEqualTo("inner");
    assertThat(reviews.header(2, "x-request-id")).isEqualTo("outer");
    assertThat(RequestScope.current()).isEmpty();
  }
}
