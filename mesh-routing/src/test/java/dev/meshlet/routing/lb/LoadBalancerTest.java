package dev.meshlet.routing.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.config.networking.LoadBalancerSettings;
import dev.meshlet.core.config.networking.LoadBalancerSettings.ConsistentHashLb;
import dev.meshlet.core.config.networking.LoadBalancerSettings.HttpCookie;
import dev.meshlet.core.config.networking.LoadBalancerSettings.MagLev;
import dev.meshlet.core.config.networking.LoadBalancerSettings.RingHash;
import dev.meshlet.core.config.networking.LoadBalancerSettings.SimpleLb;
import dev.meshlet.core.config.networking.LocalityLoadBalancerSetting;
import dev.meshlet.routing.endpoint.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {

  private static final Request REQUEST = new Request.Builder().url("http://reviews/").build();

  private static Endpoint endpoint(String address, int weight) {
    return new Endpoint(address, 8080, Map.of(), null, weight, null);
  }

  private static Endpoint endpoint(String address, String locality) {
    return new Endpoint(address, 8080, Map.of(), locality, 1, null);
  }

  private static List<Endpoint> endpoints(int n) {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(endpoint("10.0.0." + (i + 1), 1));
    }
    return out;
  }

  private static LoadBalancerSettings simple(SimpleLb lb) {
    return new LoadBalancerSettings(lb, null, null, null, null);
  }

  private static LoadBalancerSettings hashing(ConsistentHashLb hash) {
    return new LoadBalancerSettings(null, hash, null, null, null);
  }

  private static LoadBalancerSettings headerRing(long minimumRingSize) {
    return hashing(new ConsistentHashLb("x-user", null, null, null, new RingHash(minimumRingSize), null, null));
  }

  private static LoadBalancerSettings headerMaglev() {
    return hashing(new ConsistentHashLb("x-user", null, null, null, null, new MagLev(null), null));
  }

  private static LoadBalancerFactory factory(long seed) {
    return new LoadBalancerFactory(new Random(seed), new ActiveRequests(), null);
  }

  private static Map<Endpoint, Integer> count(LoadBalancer lb, int n, EndpointFilter exclude) {
    Map<Endpoint, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Pick pick = lb.pick(REQUEST, null, exclude);
      assertThat(pick).isNotNull();
      counts.merge(pick.endpoint(), 1, Integer::sum);
    }
    return counts;
  }

  /** Asserts a binomial count lies within five standard deviations of its expectation. */
  private static void assertShare(int observed, int samples, double p) {
    double sigma = Math.sqrt(samples * p * (1 - p));
    assertThat((double) observed).isCloseTo(samples * p, org.assertj.core.data.Offset.offset(5 * sigma + 1));
  }

  @Test
  void aBalancerSaysWhichRequestHeadersItsPickReads() {
    LoadBalancer byUser = factory(20).create(headerRing(64), endpoints(3));
    LoadBalancer byHost = factory(21).create(hashing(new ConsistentHashLb("host", null, null, null, null, null, null)),
        endpoints(3));
    LoadBalancer roundRobin = factory(22).create(simple(SimpleLb.ROUND_ROBIN), endpoints(3));
    LoadBalancer byQuery = factory(23).create(hashing(new ConsistentHashLb(null, null, null, "user", null, null, null)),
        endpoints(3));

    assertThat(byUser.readsHeader("X-User")).isTrue();
    assertThat(byUser.readsHeader("Host")).isFalse();
    assertThat(byHost.readsHeader("Host")).isTrue(); // the mesh then hands it the request with its Host set
    assertThat(roundRobin.readsHeader("Host")).isFalse();
    assertThat(byQuery.readsHeader("Host")).isFalse();
  }

  @Test
  void randomPicksInProportionToWeight() {
    List<Endpoint> eps = List.of(endpoint("a", 1), endpoint("b", 2), endpoint("c", 7));
    LoadBalancer lb = factory(1).create(simple(SimpleLb.RANDOM), eps);
    int n = 100_000;
    Map<Endpoint, Integer> counts = count(lb, n, EndpointFilter.NONE);
    assertShare(counts.get(eps.get(0)), n, 0.1);
    assertShare(counts.get(eps.get(1)), n, 0.2);
    assertShare(counts.get(eps.get(2)), n, 0.7);
  }

  @Test
  void roundRobinGivesEachEndpointExactlyItsWeightPerCycle() {
    List<Endpoint> eps = List.of(endpoint("a", 1), endpoint("b", 2), endpoint("c", 3));
    LoadBalancer lb = factory(2).create(simple(SimpleLb.ROUND_ROBIN), eps);
    Map<Endpoint, Integer> counts = count(lb, 600, EndpointFilter.NONE);
    assertThat(counts).containsEntry(eps.get(0), 100).containsEntry(eps.get(1), 200).containsEntry(eps.get(2), 300);
  }

  @Test
  void roundRobinInterleavesRatherThanSendingBursts() {
    List<Endpoint> eps = List.of(endpoint("a", 1), endpoint("b", 1), endpoint("c", 1));
    LoadBalancer lb = factory(3).create(simple(SimpleLb.ROUND_ROBIN), eps);
    Endpoint previous = null;
    for (int i = 0; i < 30; i++) {
      Endpoint e = lb.pick(REQUEST, null, EndpointFilter.NONE).endpoint();
      assertThat(e).isNotEqualTo(previous);
      previous = e;
    }
  }

  @Test
  void everyAlgorithmSkipsExcludedEndpointsAndReturnsNullWhenAllAreExcluded() {
    List<Endpoint> eps = endpoints(4);
    Set<Endpoint> excluded = Set.of(eps.get(0), eps.get(2));
    List<LoadBalancerSettings> all =
        List.of(simple(SimpleLb.ROUND_ROBIN), simple(SimpleLb.RANDOM), simple(SimpleLb.LEAST_REQUEST), headerRing(64), headerMaglev());
    for (LoadBalancerSettings settings : all) {
      LoadBalancer lb = factory(4).create(settings, eps);
      for (int i = 0; i < 200; i++) {
        Request request = REQUEST.newBuilder().header("x-user", "u" + i).build();
        assertThat(lb.pick(request, null, excluded::contains).endpoint()).isIn(eps.get(1), eps.get(3));
      }
      assertThat(lb.pick(REQUEST, null, e -> true)).as(settings.toString()).isNull();
    }
    assertThat(factory(5).create(null, List.of()).pick(REQUEST, null, EndpointFilter.NONE)).isNull();
  }

  @Test
  void leastRequestPrefersTheLessLoadedEndpoint() {
    List<Endpoint> eps = endpoints(2);
    LoadBalancerFactory factory = factory(6);
    LoadBalancer lb = factory.create(null, eps); // Istio's default
    for (int i = 0; i < 10; i++) {
      factory.activeRequests().start(eps.get(0));
    }
    int n = 20_000;
    Map<Endpoint, Integer> counts = count(lb, n, EndpointFilter.NONE);
    // The loaded endpoint wins only when both draws fall on it: one time in four.
    assertShare(counts.getOrDefault(eps.get(0), 0), n, 0.25);
    for (int i = 0; i < 10; i++) {
      factory.activeRequests().finish(eps.get(0));
    }
    assertThat(factory.activeRequests().count(eps.get(0))).isZero();
    assertShare(count(lb, n, EndpointFilter.NONE).get(eps.get(0)), n, 0.5);
  }

  @Test
  void leastRequestSendsEverythingAwayFromTheBusiestOfThree() {
    List<Endpoint> eps = endpoints(3);
    LoadBalancerFactory factory = factory(7);
    LoadBalancer lb = factory.create(simple(SimpleLb.LEAST_REQUEST), eps);
    factory.activeRequests().start(eps.get(0));
    factory.activeRequests().start(eps.get(0));
    factory.activeRequests().start(eps.get(1));
    int n = 30_000;
    Map<Endpoint, Integer> counts = count(lb, n, EndpointFilter.NONE);
    // Two draws: the busiest wins only when drawn twice (1/9); the idle one whenever drawn (5/9).
    assertShare(counts.get(eps.get(0)), n, 1.0 / 9);
    assertShare(counts.get(eps.get(2)), n, 5.0 / 9);
  }

  @Test
  void ringHashSendsTheSameKeyToTheSameEndpoint() {
    LoadBalancer lb = factory(8).create(headerRing(1024), endpoints(5));
    Request request = REQUEST.newBuilder().header("x-user", "jason").build();
    Endpoint first = lb.pick(request, null, EndpointFilter.NONE).endpoint();
    for (int i = 0; i < 100; i++) {
      assertThat(lb.pick(request, null, EndpointFilter.NONE).endpoint()).isEqualTo(first);
    }
    // A rebuilt balancer over the same endpoints agrees: stickiness survives a snapshot swap.
    assertThat(factory(99).create(headerRing(1024), endpoints(5)).pick(request, null, EndpointFilter.NONE).endpoint())
        .isEqualTo(first);
  }

  @Test
  void ringHashMovesOnlyTheKeysOfTheEndpointThatLeft() {
    assertMinimalRemapping(headerRing(1024), 0.0);
  }

  @Test
  void maglevMovesRoughlyOneKeyInNWhenAnEndpointLeaves() {
    // Maglev trades a little extra movement for balance; the paper reports a few percent.
    assertMinimalRemapping(headerMaglev(), 0.03);
  }

  private void assertMinimalRemapping(LoadBalancerSettings settings, double extraAllowed) {
    int n = 10;
    int keys = 20_000;
    List<Endpoint> before = endpoints(n);
    List<Endpoint> after = new ArrayList<>(before);
    Endpoint leaving = after.remove(3);
    LoadBalancer lbBefore = factory(9).create(settings, before);
    LoadBalancer lbAfter = factory(9).create(settings, after);
    int moved = 0;
    int onLeaving = 0;
    Map<Endpoint, Integer> spread = new HashMap<>();
    for (int k = 0; k < keys; k++) {
      Request request = REQUEST.newBuilder().header("x-user", "user-" + k).build();
      Endpoint was = lbBefore.pick(request, null, EndpointFilter.NONE).endpoint();
      Endpoint now = lbAfter.pick(request, null, EndpointFilter.NONE).endpoint();
      spread.merge(was, 1, Integer::sum);
      if (was.equals(leaving)) {
        onLeaving++;
      } else if (!was.equals(now)) {
        moved++;
      }
    }
    // Keys spread over all endpoints, and the leaving one held about 1/N of them.
    assertThat(spread).hasSize(n);
    assertThat((double) onLeaving / keys).isBetween(0.5 / n, 1.5 / n);
    // Keys of the endpoints that stayed (almost) all stay put.
    assertThat((double) moved / keys).isLessThanOrEqualTo(extraAllowed);
  }

  @Test
  void ringSizeHonoursTheMinimumAndWeights() {
    dev.meshlet.routing.lb.RingHash ring = new dev.meshlet.routing.lb.RingHash(List.of(endpoint("a", 1), endpoint("b", 3)), new Random(1), 1000);
    // 1000 points over 4 units of weight: 250 per unit, rounded up to 256.
    assertThat(ring.ringSize()).isEqualTo(1024);
    dev.meshlet.routing.lb.RingHash huge = new dev.meshlet.routing.lb.RingHash(
        List.of(endpoint("a", 1_000_000_000), endpoint("b", 1_000_000_000)), new Random(1), 1024, 4096);
    assertThat(huge.ringSize()).isEqualTo(4096); // scaled down to the maximum, not 2e9 points
  }

  @Test
  void aMissingCookieIsGeneratedOnceAndThenKeepsTheClientOnItsEndpoint() {
    HttpCookie cookie = new HttpCookie("sticky", "/", Duration.ofSeconds(60), List.of());
    LoadBalancer lb = factory(10).create(hashing(new ConsistentHashLb(null, cookie, null, null, null, null, null)), endpoints(6));
    Pick first = lb.pick(REQUEST, null, EndpointFilter.NONE);
    assertThat(first.setCookie()).matches("sticky=[0-9a-f]{16}; Path=/; Max-Age=60; HttpOnly");
    String value = first.setCookie().substring("sticky=".length(), first.setCookie().indexOf(';'));
    Request withCookie = REQUEST.newBuilder().header("Cookie", "other=1; sticky=" + value).build();
    for (int i = 0; i < 20; i++) {
      Pick next = lb.pick(withCookie, null, EndpointFilter.NONE);
      assertThat(next.endpoint()).isEqualTo(first.endpoint());
      assertThat(next.setCookie()).isNull();
    }
  }

  @Test
  void aCookieWithoutTtlIsNeverGenerated() {
    HttpCookie cookie = new HttpCookie("sticky", null, null, List.of());
    LoadBalancer lb = factory(11).create(hashing(new ConsistentHashLb(null, cookie, null, null, null, null, null)), endpoints(3));
    assertThat(lb.pick(REQUEST, null, EndpointFilter.NONE).setCookie()).isNull();
  }

  @Test
  void sourceIpAndQueryParameterKeysAreSticky() {
    LoadBalancer byIp = factory(12).create(hashing(new ConsistentHashLb(null, null, true, null, null, null, null)), endpoints(8));
    Endpoint ip = byIp.pick(REQUEST, "192.168.1.7", EndpointFilter.NONE).endpoint();
    LoadBalancer byQuery = factory(13).create(hashing(new ConsistentHashLb(null, null, null, "user", null, null, null)), endpoints(8));
    Request request = new Request.Builder().url("http://reviews/r?user=jason").build();
    Endpoint query = byQuery.pick(request, null, EndpointFilter.NONE).endpoint();
    for (int i = 0; i < 50; i++) {
      assertThat(byIp.pick(REQUEST, "192.168.1.7", EndpointFilter.NONE).endpoint()).isEqualTo(ip);
      assertThat(byQuery.pick(request, null, EndpointFilter.NONE).endpoint()).isEqualTo(query);
    }
  }

  @Test
  void localityFailoverStaysLocalUntilLocalEndpointsAreExcluded() {
    Endpoint zone1 = endpoint("z1", "us-west/zone1/a");
    Endpoint zone2 = endpoint("z2", "us-west/zone2/a");
    Endpoint east = endpoint("east", "us-east/zone1/a");
    Endpoint central = endpoint("central", "us-central/zone1/a");
    LocalityLoadBalancerSetting failover =
        new LocalityLoadBalancerSetting(
            List.of(), List.of(new LocalityLoadBalancerSetting.Failover("us-west", "us-east")), List.of(), null);
    LoadBalancerSettings settings = new LoadBalancerSettings(SimpleLb.RANDOM, null, failover, null, null);
    LoadBalancer lb =
        new LoadBalancerFactory(new Random(14), new ActiveRequests(), "us-west/zone1/a")
            .create(settings, List.of(central, east, zone2, zone1), true);
    assertThat(count(lb, 100, EndpointFilter.NONE)).containsOnlyKeys(zone1);
    assertThat(count(lb, 100, zone1::equals)).containsOnlyKeys(zone2);
    assertThat(count(lb, 100, e -> e.equals(zone1) || e.equals(zone2))).containsOnlyKeys(east);
    assertThat(count(lb, 100, e -> e != central)).containsOnlyKeys(central);
  }

  @Test
  void withoutOutlierDetectionLocalityDoesNotPrioritize() {
    Endpoint zone1 = endpoint("z1", "us-west/zone1/a");
    Endpoint east = endpoint("east", "us-east/zone1/a");
    LoadBalancer lb =
        new LoadBalancerFactory(new Random(15), new ActiveRequests(), "us-west/zone1/a")
            .create(simple(SimpleLb.ROUND_ROBIN), List.of(zone1, east), false);
    assertThat(count(lb, 10, EndpointFilter.NONE)).containsOnlyKeys(zone1, east);
  }

  @Test
  void localityDistributeSplitsTrafficByWeight() {
    Endpoint a1 = endpoint("a1", "us-west/zone1/a");
    Endpoint a2 = endpoint("a2", "us-west/zone1/b");
    Endpoint b = endpoint("b", "us-west/zone2/a");
    LocalityLoadBalancerSetting distribute =
        new LocalityLoadBalancerSetting(
            List.of(new LocalityLoadBalancerSetting.Distribute(
                "us-west/zone1/*", Map.of("us-west/zone1/*", 80, "us-west/zone2/*", 20))),
            List.of(), List.of(), null);
    LoadBalancer lb =
        new LoadBalancerFactory(new Random(16), new ActiveRequests(), "us-west/zone1/a")
            .create(new LoadBalancerSettings(SimpleLb.ROUND_ROBIN, null, distribute, null, null), List.of(a1, a2, b));
    int n = 50_000;
    Map<Endpoint, Integer> counts = count(lb, n, EndpointFilter.NONE);
    assertShare(counts.get(b), n, 0.2);
    assertShare(counts.get(a1) + counts.get(a2), n, 0.8);
    // With zone2 gone its share goes to zone1.
    assertThat(count(lb, 1000, b::equals)).containsOnlyKeys(a1, a2);
  }

  @Test
  void badSettingsSayWhatIsWrongAndWhatWasExpected() {
    assertThatThrownBy(() -> factory(17).create(hashing(new ConsistentHashLb("x", null, null, null, null, new MagLev(65536L), null)), endpoints(2)))
        .hasMessage("consistentHash.maglev.tableSize: 65536 (expected: a prime in 2..5000011)");
    assertThatThrownBy(() -> factory(17).create(headerRing(0), endpoints(2)))
        .hasMessageContaining("consistentHash.ringHash.minimumRingSize: 0 (expected: 1..8388608)");
    assertThatThrownBy(() -> factory(17).create(hashing(new ConsistentHashLb(null, null, null, null, null, null, null)), endpoints(2)))
        .hasMessageStartingWith("consistentHash: no hash key");
  }

  @Test
  void activeRequestsNeverGoBelowZeroAndForgetEndpointsThatLeft() {
    ActiveRequests active = new ActiveRequests();
    Endpoint a = endpoint("a", 1);
    Endpoint b = endpoint("b", 1);
    active.finish(a);
    active.start(a);
    active.finish(a);
    active.finish(a);
    assertThat(active.count(a)).isZero();
    active.start(b);
    active.retainOnly(List.of(a));
    assertThat(active.count(b)).isZero();
  }

  @Test
  void roundRobinStaysExactUnderConcurrentPicks() throws Exception {
    List<Endpoint> eps = endpoints(3);
    LoadBalancer lb = factory(18).create(simple(SimpleLb.ROUND_ROBIN), eps);
    java.util.concurrent.ConcurrentHashMap<Endpoint, java.util.concurrent.atomic.LongAdder> counts =
        new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 999; i++) {
          counts.computeIfAbsent(lb.pick(REQUEST, null, EndpointFilter.NONE).endpoint(),
              e -> new java.util.concurrent.atomic.LongAdder()).increment();
        }
      });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join(10_000);
    }
    assertThat(counts.values()).extracting(java.util.concurrent.atomic.LongAdder::sum).containsOnly(1998L);
  }

  @Test
  void aDegradedLocalityKeepsAShareAndSpillsTheRestAsEnvoysPriorityLoad() {
    List<Endpoint> local = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      local.add(endpoint("z1-" + i, "us-west/zone1/a"));
    }
    Endpoint remote = endpoint("z2", "us-west/zone2/a");
    List<Endpoint> all = new ArrayList<>(local);
    all.add(remote);
    LoadBalancer lb =
        new LoadBalancerFactory(new Random(19), new ActiveRequests(), "us-west/zone1/a")
            .create(simple(SimpleLb.RANDOM), all, true);
    // 3 of 4 local endpoints eligible: 1.4 x 75% >= 100%, everything stays local.
    assertThat(count(lb, 1000, local.get(0)::equals)).doesNotContainKey(remote);
    // 2 of 4: the local level takes 1.4 x 50% = 70%, the next level the other 30%.
    int n = 20_000;
    Map<Endpoint, Integer> counts = count(lb, n, e -> e.equals(local.get(0)) || e.equals(local.get(1)));
    assertShare(counts.get(remote), n, 0.3);
  }
}
