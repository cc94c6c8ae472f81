package dev.meshlet.core.telemetry.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Meshlet's own machinery, in the style of Istio's names: retries, outlier ejections, pool
 * overflows and authorization denials as counters, and the ejected hosts, the config version in
 * force and the certificate's expiry as gauges.
 *
 * <p>Counters are labelled by Envoy's cluster name ({@code cluster_name}, as Envoy's own
 * Prometheus stats label them: {@code outbound|9080|v1|reviews.default.svc.cluster.local}), a
 * set that the configuration bounds. Each is created once per label value and cached.
 */
public final class MeshletMetrics {
  public static final String RETRIES_TOTAL = "meshlet_retries_total";
  public static final String OUTLIER_EJECTIONS_TOTAL = "meshlet_outlier_ejections_total";
  public static final String OUTLIER_EJECTED_HOSTS = "meshlet_outlier_ejected_hosts";
  public static final String POOL_OVERFLOWS_TOTAL = "meshlet_pool_overflows_total";
  public static final String AUTHZ_DENIED_TOTAL = "meshlet_authz_denied_total";
  public static final String CONFIG_VERSION = "meshlet_config_version";
  public static final String CERTIFICATE_EXPIRY = "meshlet_certificate_expiry_timestamp_seconds";
  public static final String TELEMETRY_ERRORS_TOTAL = "meshlet_telemetry_errors_total";
  public static final String TELEMETRY_DROPPED_TOTAL = "meshlet_telemetry_dropped_total";

  private static final String CLUSTER = "cluster_name";

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter> retries = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> ejections = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> overflows = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> denials = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
  // Gauges hold their state weakly in Micrometer: these maps keep it alive.
  private final ConcurrentHashMap<String, AtomicLong> ejected = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicLong> expiries = new ConcurrentHashMap<>();
  private final AtomicLong configVersion = new AtomicLong();
  private final Counter dropped;

  private MeshletMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    Gauge.builder(CONFIG_VERSION, configVersion, AtomicLong::doubleValue)
        .description("Version of the config snapshot in force.")
        .register(registry);
    this.dropped =
        Counter.builder(TELEMETRY_DROPPED_TOTAL)
            .description("Calls whose metrics were not recorded because the label-set limit was reached.")
            .register(registry);
  }

  /** Meshlet's metrics on {@code registry}. */
  public static MeshletMetrics create(MeterRegistry registry) {
    return new MeshletMetrics(registry);
  }

  /** One retry of a call to {@code cluster}. */
  public void retry(String cluster) {
    counter(retries, RETRIES_TOTAL, "Retries of calls to a cluster.", CLUSTER, cluster).increment();
  }

  /** One endpoint of {@code cluster} ejected by outlier detection. */
  public void ejection(String cluster) {
    counter(ejections, OUTLIER_EJECTIONS_TOTAL, "Endpoints ejected by outlier detection.", CLUSTER, cluster)
        .increment();
  }

  /** How many endpoints of {@code cluster} are ejected now. */
  public void ejectedHosts(String cluster, int count) {
    gauge(ejected, OUTLIER_EJECTED_HOSTS, "Endpoints ejected now.", CLUSTER, cluster).set(count);
  }

  /** One call to {@code cluster} refused because its connection pool was full. */
  public void poolOverflow(String cluster) {
    counter(overflows, POOL_OVERFLOWS_TOTAL, "Calls refused by a full connection pool.", CLUSTER, cluster)
        .increment();
  }

  /**
   * One request denied by authorization. {@code policy} names the deciding policy
   * ({@code namespace/name}), or {@code -} when the request matched no ALLOW policy.
   */
  public void authzDenied(String policy) {
    counter(denials, AUTHZ_DENIED_TOTAL, "Requests denied by authorization.", "policy", policy).increment();
  }

  /** The version of the config snapshot now in force. */
  public void configVersion(long version) {
    configVersion.set(version);
  }

  /** When the certificate of {@code spiffeId} expires, in seconds since the epoch. */
  public void certificateExpiry(String spiffeId, long epochSeconds) {
    gauge(expiries, CERTIFICATE_EXPIRY, "When the workload certificate expires.", "identity", spiffeId)
        .set(epochSeconds);
  }

  /** Telemetry itself failed at {@code stage} ({@code metrics}, {@code access_log}, {@code tracing}). */
  public void telemetryError(String stage) {
    counter(errors, TELEMETRY_ERRORS_TOTAL, "Failures of telemetry itself, swallowed.", "stage", stage)
        .increment();
  }

  /** A call whose metrics were dropped at the label-set limit. */
  public void telemetryDropped() {
    dropped.increment();
  }

  private Counter counter(
      ConcurrentHashMap<String, Counter> cache, String name, String description, String key, String value) {
    Counter c = cache.get(value);
    if (c != null) {
      return c;
    }
    return cache.computeIfAbsent(
        value, v -> Counter.builder(name).description(description).tag(key, v).register(registry));
  }

  private AtomicLong gauge(
      ConcurrentHashMap<String, AtomicLong> cache, String name, String description, String key, String value) {
    AtomicLong state = cache.get(value);
    if (state != null) {
      return state;
    }
    return cache.computeIfAbsent(
        value,
        v -> {
          AtomicLong s = new AtomicLong();
          Gauge.builder(name, s, AtomicLong::doubleValue).description(description).tag(key, v).register(registry);
          return s;
        });
  }
}
