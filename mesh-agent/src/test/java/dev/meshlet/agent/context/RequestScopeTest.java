package dev.meshlet.agent.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class RequestScopeTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void keepsOnlyPropagationHeaders() {
    RequestScope scope = RequestScope.of(Map.of("traceparent", "00-a-b-01", "authorization", "secret",
        "x-b3-traceid", "abc"), null);

    assertThat(scope.headers()).containsOnlyKeys("traceparent", "x-b3-traceid");
  }

  @Test
  void nestedScopesRestoreTheOuterOneOnClose() {
    assertThat(RequestScope.current()).isEmpty();
    try (RequestScope outer = RequestScope.open(Map.of("x-request-id", "outer"), null)) {
      try (RequestScope inner = RequestScope.open(Map.of("x-request-id", "inner"), null)) {
        assertThat(RequestScope.current()).containsSame(inner);
      }
      assertThat(RequestScope.current()).containsSame(outer);
    }
    assertThat(RequestScope.current()).isEmpty();
  }

  @Test
  void aScopeCarriedToAnotherThreadIsAttachedThere() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (RequestScope scope = RequestScope.open(Map.of("x-request-id", "r-1"), NOW.plusSeconds(2))) {
      RequestScope carried = RequestScope.of(scope.headers(), scope.deadline().orElseThrow());
      String seen = CompletableFuture.supplyAsync(() -> {
        try (RequestScope attached = carried.attach()) {
          return RequestScope.current().orElseThrow().headers().get("x-request-id");
        }
      }, executor).get();
      assertThat(seen).isEqualTo("r-1");
      assertThat(CompletableFuture.supplyAsync(RequestScope::current, executor).get()).isEmpty();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void remainingIsMeasuredOnTheGivenClock() {
    RequestScope scope = RequestScope.of(Map.of(), NOW.plusMillis(1500));

    assertThat(scope.remaining(Clock.fixed(NOW, ZoneOffset.UTC))).contains(Duration.ofMillis(1500));
    assertThat(scope.remaining(Clock.fixed(NOW.plusSeconds(2), ZoneOffset.UTC))).contains(Duration.ofMillis(-500));
    assertThat(RequestScope.of(Map.of(), null).remaining(Clock.systemUTC())).isEmpty();
  }

  @Test
  void aScopeIsAttachedOnceAtATime() {
    try (RequestScope scope = RequestScope.open(Map.of(), null)) {
      assertThatThrownBy(scope::attach).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already attached");
    }
  }
}
