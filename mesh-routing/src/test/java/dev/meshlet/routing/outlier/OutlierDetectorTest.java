package dev.meshlet.routing.outlier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.config.networking.OutlierDetection;
import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.lb.ActiveRequests;
import dev.meshlet.routing.lb.LoadBalancer;
import dev.meshlet.routing.lb.LoadBalancerFactory;
import dev.meshlet.routing.outlier.OutlierEvent.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {

  private final MutableClock clock = new MutableClock();
  private final List<OutlierEvent> events = new CopyOnWriteArrayList<>();

  private static List<Endpoint> endpoints(int n) {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Endpoint.of("10.0.0." + (i + 1), 8080));
    }
    return out;
  }

  private OutlierDetector detector(OutlierDetection spec, List<Endpoint> endpoints) {
    OutlierDetector d = new OutlierDetector(OutlierConfig.of(spec), clock, events::add);
    d.setEndpoints(endpoints);
    return d;
  }

  private static OutlierDetection spec(Integer fiveXx, Integer maxEjectionPercent, Integer minHealthPercent) {
    return new OutlierDetection(null, null, null, null, fiveXx, null, null, maxEjectionPercent, minHealthPercent);
  }

  private static void fail(OutlierDetector d, Endpoint e, int times, int status) {
    for (int i = 0; i < times; i++) {
      d.onResponse(e, status);
    }
  }

  @Test
  void anEndpointIsEjectedAfterConsecutive5xxErrorsAndExcludedFromPicks() {
    List<Endpoint> eps = endpoints(2);
    OutlierDetector d = detector(spec(3, 100, null), eps);
    fail(d, eps.get(0), 2, 500);
    assertThat(d.isEjected(eps.get(0))).isFalse();
    d.onResponse(eps.get(0), 503);
    assertThat(d.isEjected(eps.get(0))).isTrue();
    assertThat(d.filter().excludes(eps.get(0))).isTrue();
    assertThat(d.eligibleEndpoints()).containsExactly(eps.get(1));
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo(Type.EJECTED);
      assertThat(e.reason()).isEqualTo(EjectionReason.CONSECUTIVE_5XX);
      assertThat(e.ejectedUntil()).isEqualTo(clock.instant().plusSeconds(30));
    });
    // A load balancer given the detector's filter never picks it.
    LoadBalancer lb = new LoadBalancerFactory(new Random(1), new ActiveRequests(), null).create(null, eps);
    Request request = new Request.Builder().url("http://reviews/").build();
    for (int i = 0; i < 100; i++) {
      assertThat(lb.pick(request, null, d.filter()).endpoint()).isEqualTo(eps.get(1));
    }
  }

  @Test
  void aSuccessInBetweenResetsTheRun() {
    List<Endpoint> eps = endpoints(2);
    OutlierDetector d = detector(spec(3, 100, null), eps);
    fail(d, eps.get(0), 2, 500);
    d.onResponse(eps.get(0), 404);
    fail(d, eps.get(0), 2, 500);
    assertThat(d.isEjected(eps.get(0))).isFalse();
    assertThat(d.health()).filteredOn(h -> h.endpoint().equals(eps.get(0)))
        .singleElement().extracting(EndpointHealth::consecutive5xx).isEqualTo(2);
  }

  @Test
  void anEjectedEndpointReturnsAfterBaseEjectionTimeTimesTheTimesItWasEjected() {
    List<Endpoint> eps = endpoints(2);
    OutlierDetector d = detector(spec(1, 100, null), eps);
    Endpoint e = eps.get(0);
    d.onResponse(e, 500);
    clock.advance(Duration.ofMillis(29_999));
    assertThat(d.isEjected(e)).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(d.filter().excludes(e)).isFalse();
    assertThat(events).extracting(OutlierEvent::type).containsExactly(Type.EJECTED, Type.RETURNED);

    d.onResponse(e, 500); // second ejection: 2 x 30s
    assertThat(d.health().stream().filter(h -> h.endpoint().equals(e)).findFirst().orElseThrow())
        .satisfies(h -> {
          assertThat(h.ejected()).isTrue();
          assertThat(h.timesEjected()).isEqualTo(2);
          assertThat(h.ejectedUntil()).isEqualTo(clock.instant().plusSeconds(60));
        });
    clock.advance(Duration.ofSeconds(59));
    assertThat(d.isEjected(e)).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(d.isEjected(e)).isFalse();
  }

  @Test
  void ejectionTimeIsCappedAtMaxEjectionTime() {
    List<Endpoint> eps = endpoints(1);
    OutlierDetector d = detector(
        new OutlierDetection(null, null, null, null, 1, null, Duration.ofSeconds(200), 100, null), eps);
    for (int round = 1; round <= 3; round++) {
      d.onResponse(eps.get(0), 500);
      Duration expected = Duration.ofSeconds(Math.min(200L * round, 300));
      assertThat(events.get(events.size() - 1).ejectedUntil()).isEqualTo(clock.instant().plus(expected));
      clock.advance(expected);
      assertThat(d.isEjected(eps.get(0))).isFalse();
    }
  }

  @Test
  void sweepsForgiveAnEjectionAfterAHealthySpell() {
    List<Endpoint> eps = endpoints(2);
    OutlierDetector d = detector(spec(1, 100, null), eps);
    d.onResponse(eps.get(0), 500);
    clock.advance(Duration.ofSeconds(30));
    d.sweep();
    assertThat(events).extracting(OutlierEvent::type).containsExactly(Type.EJECTED, Type.RETURNED);
    clock.advance(Duration.ofSeconds(30));
    d.sweep();
    assertThat(d.health()).allSatisfy(h -> assertThat(h.timesEjected()).isZero());
    d.onResponse(eps.get(0), 500);
    assertThat(events.get(events.size() - 1).ejectedUntil()).isEqualTo(clock.instant().plusSeconds(30));
  }

  @Test
  void maxEjectionPercentCapsHowManyAreEjectedAtOnce() {
    List<Endpoint> eps = endpoints(10);
    OutlierDetector d = detector(spec(1, null, null), eps); // Istio's default: 10%
    d.onResponse(eps.get(0), 500);
    d.onResponse(eps.get(1), 500);
    assertThat(d.isEjected(eps.get(0))).isTrue();
    assertThat(d.isEjected(eps.get(1))).isFalse();
    assertThat(events).extracting(OutlierEvent::type).containsExactly(Type.EJECTED, Type.EJECTION_SKIPPED);

    OutlierDetector half = detector(spec(1, 50, null), eps);
    eps.forEach(e -> half.onResponse(e, 500));
    assertThat(half.eligibleEndpoints()).hasSize(5);
  }

  @Test
  void belowMinHealthPercentEveryEndpointIsUsed() {
    List<Endpoint> eps = endpoints(4);
    OutlierDetector d = detector(spec(1, 100, 50), eps);
    d.onResponse(eps.get(0), 500);
    d.onResponse(eps.get(1), 500);
    assertThat(d.isPanic()).isFalse(); // 50% healthy is not below 50%
    assertThat(d.eligibleEndpoints()).containsExactlyInAnyOrder(eps.get(2), eps.get(3));
    d.onResponse(eps.get(2), 500);
    assertThat(d.isPanic()).isTrue();
    assertThat(d.eligibleEndpoints()).containsExactlyInAnyOrderElementsOf(eps);
    assertThat(d.isEjected(eps.get(0))).isTrue(); // still ejected, but used in panic
  }

  @Test
  void withEveryEndpointEjectedAndNoPanicThresholdNoneIsEligible() {
    List<Endpoint> eps = endpoints(2);
    OutlierDetector d = detector(spec(1, 100, null), eps);
    eps.forEach(e -> d.onResponse(e, 500));
    assertThat(d.hasEligibleEndpoint()).isFalse();
    assertThat(d.eligibleEndpoints()).isEmpty();
    clock.advance(Duration.ofSeconds(30));
    assertThat(d.hasEligibleEndpoint()).isTrue();
  }

  @Test
  void gatewayErrorsCountOnlyBadGatewayUnavailableAndTimeout() {
    List<Endpoint> eps = endpoints(2);
    OutlierDetector d = detector(
        new OutlierDetection(null, null, null, 3, 0, null, null, 100, null), eps);
    d.onResponse(eps.get(0), 502);
    d.onResponse(eps.get(0), 503);
    d.onResponse(eps.get(0), 500); // a 5xx that is not a gateway error ends the run
    d.onResponse(eps.get(0), 504);
    d.onResponse(eps.get(0), 502);
    assertThat(d.isEjected(eps.get(0))).isFalse();
    d.onResponse(eps.get(0), 503);
    assertThat(d.isEjected(eps.get(0))).isTrue();
    assertThat(events.get(0).reason()).isEqualTo(EjectionReason.CONSECUTIVE_GATEWAY_ERROR);
  }

  @Test
  void splitLocalOriginFailuresCountApartFromResponses() {
    List<Endpoint> eps = endpoints(2);
    OutlierDetector d = detector(
        new OutlierDetection(null, true, 2, null, 3, null, null, 100, null), eps);
    Endpoint e = eps.get(0);
    d.onLocalOriginFailure(e);
    d.onResponse(e, 500); // a response: the connection works, the local run restarts
    d.onLocalOriginFailure(e);
    d.onResponse(e, 500);
    assertThat(d.isEjected(e)).isFalse(); // two 5xx and no two local failures in a row
    d.onLocalOriginFailure(e);
    d.onLocalOriginFailure(e);
    assertThat(d.isEjected(e)).isTrue();
    assertThat(events.get(0).reason()).isEqualTo(EjectionReason.CONSECUTIVE_LOCAL_ORIGIN_FAILURE);
  }

  @Test
  void withoutSplitALocalFailureCountsAsA503() {
    List<Endpoint> eps = endpoints(2);
    OutlierDetector d = detector(spec(3, 100, null), eps);
    d.onLocalOriginFailure(eps.get(0));
    d.onResponse(eps.get(0), 500);
    d.onLocalOriginFailure(eps.get(0));
    assertThat(d.isEjected(eps.get(0))).isTrue();
    assertThat(events.get(0).reason()).isEqualTo(EjectionReason.CONSECUTIVE_5XX);
  }

  @Test
  void anEndpointUpdateKeepsTheEjectionsOfEndpointsThatStay() {
    List<Endpoint> eps = endpoints(3);
    OutlierDetector d = detector(spec(1, 100, null), eps);
    d.onResponse(eps.get(0), 500);
    d.setEndpoints(List.of(eps.get(0), eps.get(2), Endpoint.of("10.0.0.9", 8080)));
    assertThat(d.isEjected(eps.get(0))).isTrue();
    assertThat(d.health()).hasSize(3);
    d.onResponse(eps.get(1), 500); // gone: ignored
    assertThat(events).hasSize(1);
  }

  @Test
  void configTakesIstiosDefaultsAndTranslatesTheDeprecatedConsecutiveErrors() {
    OutlierConfig defaults = OutlierConfig.of(new OutlierDetection(null, null, null, null, null, null, null, null, null));
    assertThat(defaults).isEqualTo(OutlierConfig.ofDefaults());
    assertThat(defaults.consecutive5xxErrors()).isEqualTo(5);
    assertThat(defaults.consecutiveGatewayErrors()).isZero();
    assertThat(defaults.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.baseEjectionTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.maxEjectionPercent()).isEqualTo(10);
    assertThat(defaults.minHealthPercent()).isZero();
    OutlierConfig legacy = OutlierConfig.of(new OutlierDetection(7, null, null, null, null, null, null, null, null));
    assertThat(legacy.consecutiveGatewayErrors()).isEqualTo(7);
    assertThat(legacy.consecutive5xxErrors()).isZero();
    assertThatThrownBy(() -> OutlierConfig.of(spec(null, 120, null)))
        .hasMessage("outlierDetection.maxEjectionPercent: 120 (expected: 0..100)");
  }

  @Test
  void concurrentFailuresEjectAnEndpointOnce() throws Exception {
    List<Endpoint> eps = endpoints(2);
    OutlierDetector d = detector(spec(5, 100, null), eps);
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 100; i++) {
          d.onResponse(eps.get(0), 503);
        }
      });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join(10_000);
    }
    // Failures of tries that were in flight when it was ejected do not eject it again.
    assertThat(events).extracting(OutlierEvent::type).containsExactly(Type.EJECTED);
    assertThat(d.health()).filteredOn(EndpointHealth::ejected).hasSize(1);
  }
}
