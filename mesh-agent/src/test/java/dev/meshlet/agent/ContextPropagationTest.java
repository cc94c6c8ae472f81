package dev.meshlet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.agent.context.RequestContext;
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

  /** What a server adapter does with an inbound request's headers. */
  private static RequestContext inbound(Map<String, String> headers) {
    return RequestContext.fromHeaders(name -> headers.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null),
        Clock.systemUTC());
  }

  private static Request get() {
    return new Request.Builder().url("http://reviews/reviews/1").build();
  }

  @Test
  void traceHeadersRequestIdAndDeadlineFlowFromTheServedRequestToItsCalls() throws Exception {
    RequestContext ctx = inbound(Map.of("traceparent", TRACEPARENT, "X-Request-Id", "req-42", "baggage", "user=jason",
        "x-meshlet-deadline-ms", "3000", "authorization", "secret"));
    try (RequestScope scope = RequestScope.open(ctx); Response r = http.newCall(get()).execute()) {
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
    try (RequestScope scope = RequestScope.open(inbound(Map.of("x-request-id", "async-1")))) {
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
    reviews.respond(r -> new MockResponse.Builder().headersDelay(3, TimeUnit.SECONDS).build());
    long start = System.nanoTime();
    try (RequestScope scope = RequestScope.open(inbound(Map.of("x-meshlet-deadline-ms", "300")))) {
      assertThatThrownBy(() -> http.newCall(get()).execute().close())
          .isInstanceOfSatisfying(MeshCallException.class, e -> assertThat(e.flag()).isEqualTo(ResponseFlag.UT));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aDeadlineAlreadyPassedFailsTheCallWithoutSendingIt() {
    RequestContext late = RequestContext.EMPTY.withDeadline(Clock.systemUTC().instant().minusMillis(50));
    try (RequestScope scope = RequestScope.open(late)) {
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

    RequestContext outer = inbound(Map.of("x-request-id", "outer"));
    try (RequestScope a = RequestScope.open(outer)) {
      try (RequestScope b = RequestScope.open(inbound(Map.of("x-request-id", "inner")))) {
        assertThat(RequestScope.current().headers()).containsEntry("x-request-id", "inner");
      }
      assertThat(RequestScope.current()).isSameAs(outer);
    }
    assertThat(RequestScope.current()).isNull();
  }

  @Test
  void aMalformedDeadlineHeaderIsIgnored() {
    assertThat(inbound(Map.of("x-meshlet-deadline-ms", "-5")).deadline()).isNull();
    assertThat(inbound(Map.of("x-meshlet-deadline-ms", "12abc")).deadline()).isNull();
    assertThat(inbound(Map.of("x-meshlet-deadline-ms", "99999999999999999999")).deadline()).isNull();
  }
}
