package dev.meshlet.routing.lb;

import dev.meshlet.core.config.networking.LoadBalancerSettings;
import dev.meshlet.core.config.networking.LoadBalancerSettings.ConsistentHashLb;
import dev.meshlet.core.config.networking.LoadBalancerSettings.SimpleLb;
import dev.meshlet.core.config.networking.LocalityLoadBalancerSetting;
import dev.meshlet.core.config.networking.LocalityLoadBalancerSetting.Distribute;
import dev.meshlet.core.config.networking.LocalityLoadBalancerSetting.Failover;
import dev.meshlet.routing.endpoint.Endpoint;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link LoadBalancer} of one destination from its merged {@link
 * LoadBalancerSettings} and its endpoints, once per endpoint set (the control-plane side). One
 * factory serves one cluster: it holds the random source, the caller's locality and the {@link
 * ActiveRequests} that LEAST_REQUEST reads, which outlive each rebuilt balancer. Thread-safe.
 */
public final class LoadBalancerFactory {

  /** Istio's and Envoy's default minimum number of points on a hash ring. */
  public static final long DEFAULT_MINIMUM_RING_SIZE = 1024;
  /** Envoy's cap on the number of points on a hash ring. */
  public static final long MAXIMUM_RING_SIZE = 8_388_608;
  /** Envoy's default Maglev table size, a prime. */
  public static final int DEFAULT_MAGLEV_TABLE_SIZE = 65_537;

  private static final RandomGenerator THREAD_LOCAL_RANDOM =
      new RandomGenerator() {
        @Override
        public long nextLong() {
          return ThreadLocalRandom.current().nextLong();
        }

        @Override
        public int nextInt(int bound) {
          return ThreadLocalRandom.current().nextInt(bound);
        }

        @Override
        public long nextLong(long bound) {
          return ThreadLocalRandom.current().nextLong(bound);
        }
      };

  private final RandomGenerator random;
  private final ActiveRequests activeRequests;
  private final @Nullable String localLocality;

  /**
   * @param random the source of every random choice; must be thread-safe if picks run on many
   *     threads (a seeded {@link java.util.Random} in tests)
   * @param activeRequests requests in flight per endpoint, reported by the caller
   * @param localLocality the calling workload's {@code region/zone/subzone}, or null when unknown
   *     (then locality settings are ignored)
   */
  public LoadBalancerFactory(
      RandomGenerator random, ActiveRequests activeRequests, @Nullable String localLocality) {
    this.random = Objects.requireNonNull(random, "random");
    this.activeRequests = Objects.requireNonNull(activeRequests, "activeRequests");
    this.localLocality = localLocality == null || localLocality.isEmpty() ? null : localLocality;
  }

  /** A factory with a thread-local random source, its own active-request counts, no locality. */
  public static LoadBalancerFactory ofDefaults() {
    return new LoadBalancerFactory(threadLocalRandom(), new ActiveRequests(), null);
  }

  /** A thread-safe random source backed by {@link ThreadLocalRandom}, for production. */
  public static RandomGenerator threadLocalRandom() {
    return THREAD_LOCAL_RANDOM;
  }

  /** The active-request counts the caller reports to ({@code start}/{@code finish}). */
  public ActiveRequests activeRequests() {
    return activeRequests;
  }

  /** Same as {@link #create(LoadBalancerSettings, List, boolean)} without locality failover. */
  public LoadBalancer create(@Nullable LoadBalancerSettings settings, List<Endpoint> endpoints) {
    return create(settings, endpoints, false);
  }

  /**
   * Builds a balancer over {@code endpoints}.
   *
   * @param settings the merged load-balancer settings; null means Istio's default, LEAST_REQUEST
   * @param endpoints the destination's endpoints (already narrowed to the subset)
   * @param localityFailover whether endpoints are prioritized by locality (same zone first, then
   *     region, then the {@code failover} region, then the rest). Istio does so only when
   *     outlier detection is configured, so pass whether the merged policy has it.
   * @throws IllegalArgumentException when the settings cannot be applied (a ring or table size
   *     out of range, a consistent hash without a key)
   */
  public LoadBalancer create(
      @Nullable LoadBalancerSettings settings, List<Endpoint> endpoints, boolean localityFailover) {
    List<Endpoint> all = List.copyOf(endpoints);
    AlgorithmFactory algorithm = algorithm(settings);
    HashKey hashKey =
        settings != null && settings.consistentHash() != null
            ? HashKey.of(settings.consistentHash())
            : null;
    Selector selector = localitySelector(settings, all, algorithm, localityFailover);
    if (selector == null) {
      selector = algorithm.build(all);
    }
    return new DefaultLoadBalancer(all, selector, hashKey, random, algorithm.name());
  }

  private interface AlgorithmFactory {
    Algorithm build(List<Endpoint> endpoints);

    String name();
  }

  private AlgorithmFactory algorithm(@Nullable LoadBalancerSettings settings) {
    ConsistentHashLb hash = settings == null ? null : settings.consistentHash();
    if (hash != null) {
      if (hash.maglev() != null) {
        long size = hash.maglev().tableSize() == null ? DEFAULT_MAGLEV_TABLE_SIZE : hash.maglev().tableSize();
        if (size < 2 || size > 5_000_011 || !BigInteger.valueOf(size).isProbablePrime(30)) {
          throw new IllegalArgumentException(
              "consistentHash.maglev.tableSize: " + size + " (expected: a prime in 2..5000011)");
        }
        return named("MAGLEV", eps -> new Maglev(eps, random, (int) size));
      }
      long ring = DEFAULT_MINIMUM_RING_SIZE;
      if (hash.ringHash() != null && hash.ringHash().minimumRingSize() != null) {
        ring = hash.ringHash().minimumRingSize();
      } else if (hash.minimumRingSize() != null) {
        ring = hash.minimumRingSize();
      }
      if (ring < 1 || ring > MAXIMUM_RING_SIZE) {
        throw new IllegalArgumentException(
            "consistentHash.ringHash.minimumRingSize: " + ring + " (expected: 1.." + MAXIMUM_RING_SIZE + ")");
      }
      long minimum = ring;
      return named("RING_HASH", eps -> new RingHash(eps, random, minimum));
    }
    SimpleLb simple = settings == null || settings.simple() == null ? SimpleLb.UNSPECIFIED : settings.simple();
    return switch (simple) {
      case ROUND_ROBIN -> named("ROUND_ROBIN", eps -> new RoundRobin(eps, random));
      case RANDOM -> named("RANDOM", eps -> new RandomPick(eps, random));
      // PASSTHROUGH sends to the address the caller asked for; in-process there is no original
      // destination to forward to, so it balances as the default does.
      case UNSPECIFIED, LEAST_CONN, LEAST_REQUEST, PASSTHROUGH ->
          named("LEAST_REQUEST", eps -> new LeastRequest(eps, random, activeRequests));
    };
  }

  private static AlgorithmFactory named(String name, Function<List<Endpoint>, Algorithm> f) {
    return new AlgorithmFactory() {
      @Override
      public Algorithm build(List<Endpoint> endpoints) {
        return f.apply(endpoints);
      }

      @Override
      public String name() {
        return name;
      }
    };
  }

  private @Nullable Selector localitySelector(
      @Nullable LoadBalancerSettings settings,
      List<Endpoint> endpoints,
      AlgorithmFactory algorithm,
      boolean localityFailover) {
    LocalityLoadBalancerSetting locality = settings == null ? null : settings.localityLbSetting();
    if (localLocality == null || (locality != null && Boolean.FALSE.equals(locality.enabled()))) {
      return null;
    }
    if (locality != null && !locality.distribute().isEmpty()) {
      for (Distribute d : locality.distribute()) {
        if (d.from() != null && Localities.matches(d.from(), localLocality)) {
          return distribute(d, endpoints, algorithm);
        }
      }
      return null;
    }
    if (!localityFailover) {
      return null;
    }
    boolean hashed = settings != null && settings.consistentHash() != null;
    return failover(locality == null ? List.of() : locality.failover(), endpoints, algorithm, hashed);
  }

  private Selector distribute(Distribute rule, List<Endpoint> endpoints, AlgorithmFactory algorithm) {
    // Sorted keys so that overlapping patterns claim endpoints in a stable order.
    Map<String, Integer> to = new TreeMap<>(rule.to());
    List<Selector> groups = new ArrayList<>();
    List<Long> weights = new ArrayList<>();
    boolean[] claimed = new boolean[endpoints.size()];
    for (Map.Entry<String, Integer> e : to.entrySet()) {
      List<Endpoint> members = new ArrayList<>();
      for (int i = 0; i < endpoints.size(); i++) {
        if (!claimed[i] && Localities.matches(e.getKey(), endpoints.get(i).locality())) {
          claimed[i] = true;
          members.add(endpoints.get(i));
        }
      }
      if (!members.isEmpty() && e.getValue() != null && e.getValue() > 0) {
        groups.add(algorithm.build(members));
        weights.add((long) e.getValue());
      }
    }
    long[] w = weights.stream().mapToLong(Long::longValue).toArray();
    return new WeightedGroupSelector(groups.toArray(new Selector[0]), w, random);
  }

  private Selector failover(
      List<Failover> failover, List<Endpoint> endpoints, AlgorithmFactory algorithm, boolean hashed) {
    String[] local = Localities.split(localLocality);
    String failoverRegion = null;
    for (Failover f : failover) {
      if (local[0].equals(f.from())) {
        failoverRegion = f.to();
        break;
      }
    }
    // Istio's priorities: same subzone 0, same zone 1, same region 2, failover region 3, rest 4.
    List<List<Endpoint>> levels = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      levels.add(new ArrayList<>());
    }
    for (Endpoint e : endpoints) {
      String[] l = Localities.split(e.locality());
      int priority;
      if (e.locality() == null) {
        priority = 4;
      } else if (l[0].equals(local[0]) && l[1].equals(local[1]) && l[2].equals(local[2])) {
        priority = 0;
      } else if (l[0].equals(local[0]) && l[1].equals(local[1])) {
        priority = 1;
      } else if (l[0].equals(local[0])) {
        priority = 2;
      } else if (l[0].equals(failoverRegion)) {
        priority = 3;
      } else {
        priority = 4;
      }
      levels.get(priority).add(e);
    }
    List<Algorithm> selectors = new ArrayList<>();
    for (List<Endpoint> level : levels) {
      if (!level.isEmpty()) {
        selectors.add(algorithm.build(level));
      }
    }
    return new PrioritySelector(selectors.toArray(new Algorithm[0]), random, hashed);
  }
}
