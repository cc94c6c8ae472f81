package dev.meshlet.core.telemetry.metrics;

import dev.meshlet.core.telemetry.CallRecord;
import dev.meshlet.core.telemetry.RequestProtocol;
import dev.meshlet.core.telemetry.TrafficLabels;
import dev.meshlet.core.telemetry.WorkloadLabels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * Istio's standard HTTP metrics on the user's registry: {@code istio_requests_total},
 * {@code istio_request_duration_milliseconds}, {@code istio_request_bytes} and
 * {@code istio_response_bytes}, with Istio's 25 labels and Envoy's default buckets.
 *
 * <p>The names are given in their Prometheus form and no base unit is set, so Micrometer's
 * Prometheus naming convention leaves them as they are (a counter keeps its {@code _total}; a
 * histogram gets no {@code _seconds}). Histograms are distribution summaries whose service level
 * objectives are Istio's buckets, so the scrape shows exactly those {@code le} boundaries.
 *
 * <p>Meters are cached per {@link TrafficLabels} instance and then per outcome (protocol,
 * response code, flags, gRPC status). The common outcome, HTTP without flags, is an array slot
 * indexed by status code: recording such a call is one map lookup with a precomputed hash and one
 * array read, with nothing allocated. At most {@code maxSeries} label sets are ever created; past
 * that a call is not recorded and {@link #record} returns false, so a bug upstream cannot grow
 * the registry without bound.
 */
public final class IstioMetrics {
  public static final String REQUESTS_TOTAL = "istio_requests_total";
  public static final String REQUEST_DURATION_MILLISECONDS = "istio_request_duration_milliseconds";
  public static final String REQUEST_BYTES = "istio_request_bytes";
  public static final String RESPONSE_BYTES = "istio_response_bytes";

  /** How many label sets are kept unless the caller says otherwise. */
  public static final int DEFAULT_MAX_SERIES = 10_000;

  // Status codes 100..599 and 0 (no response) get an array slot; anything else takes the map.
  private static final int CODE_SLOTS = 501;

  private final MeterRegistry registry;
  private final int maxSeries;
  private final double[] durationBuckets;
  private final double[] byteBuckets;
  private final AtomicInteger series = new AtomicInteger();
  private final ConcurrentHashMap<TrafficLabels, PerTraffic> byTraffic = new ConcurrentHashMap<>();

  private IstioMetrics(MeterRegistry registry, int maxSeries) {
    this.registry = Objects.requireNonNull(registry, "registry");
    if (maxSeries < 1) {
      throw new IllegalArgumentException("maxSeries: " + maxSeries + " (expected: >= 1)");
    }
    this.maxSeries = maxSeries;
    this.durationBuckets = IstioBuckets.durationMillis();
    this.byteBuckets = IstioBuckets.bytes();
  }

  /** Istio's metrics on {@code registry}, with at most {@link #DEFAULT_MAX_SERIES} label sets. */
  public static IstioMetrics create(MeterRegistry registry) {
    return new IstioMetrics(registry, DEFAULT_MAX_SERIES);
  }

  /** Istio's metrics on {@code registry}, with at most {@code maxSeries} label sets. */
  public static IstioMetrics create(MeterRegistry registry, int maxSeries) {
    return new IstioMetrics(registry, maxSeries);
  }

  /**
   * Records one call: counts it and records its duration and sizes. Returns false when the call
   * could not be recorded because the label-set limit was reached.
   */
  public boolean record(CallRecord call) {
    CallMeters meters =
        meters(call.labels(), call.protocol(), call.responseCode(), call.responseFlags(), call.grpcStatus());
    if (meters == null) {
      return false;
    }
    meters.record(call.durationNanos(), call.requestBytes(), call.responseBytes());
    return true;
  }

  /**
   * The meters of one label set, created on first use; null when the label-set limit is
   * reached.
   *
   * @param grpcStatus the gRPC status, or -1 for none
   */
  public @Nullable CallMeters meters(
      TrafficLabels labels, RequestProtocol protocol, int responseCode, String responseFlags, int grpcStatus) {
    PerTraffic perTraffic = byTraffic.get(labels);
    if (perTraffic == null) {
      perTraffic = byTraffic.computeIfAbsent(labels, PerTraffic::new);
    }
    return perTraffic.meters(protocol, responseCode, responseFlags, grpcStatus);
  }

  /** How many label sets have meters. */
  public int seriesCount() {
    return series.get();
  }

  private @Nullable CallMeters create(
      TrafficLabels labels, RequestProtocol protocol, int responseCode, String responseFlags, int grpcStatus) {
    if (series.incrementAndGet() > maxSeries) {
      series.decrementAndGet();
      return null;
    }
    Tags tags = tags(labels, protocol, responseCode, responseFlags, grpcStatus);
    Counter requests =
        Counter.builder(REQUESTS_TOTAL)
            .description("Requests handled, counted as Istio's proxy counts them.")
            .tags(tags)
            .register(registry);
    DistributionSummary duration =
        histogram(REQUEST_DURATION_MILLISECONDS, "Duration of requests in milliseconds.", tags, durationBuckets);
    DistributionSummary requestBytes =
        histogram(REQUEST_BYTES, "Sizes of requests in bytes.", tags, byteBuckets);
    DistributionSummary responseBytes =
        histogram(RESPONSE_BYTES, "Sizes of responses in bytes.", tags, byteBuckets);
    return new CallMeters(requests, duration, requestBytes, responseBytes);
  }

  private DistributionSummary histogram(String name, String description, Tags tags, double[] buckets) {
    return DistributionSummary.builder(name)
        .description(description)
        .tags(tags)
        .serviceLevelObjectives(buckets)
        .publishPercentileHistogram(false)
        .register(registry);
  }

  /** Istio's 25 labels for one label set, in the order Istio's stats filter adds them. */
  static Tags tags(
      TrafficLabels labels, RequestProtocol protocol, int responseCode, String responseFlags, int grpcStatus) {
    WorkloadLabels src = labels.source();
    WorkloadLabels dst = labels.destination();
    return Tags.of(
        Tag.of("reporter", labels.reporter().label()),
        Tag.of("source_workload", src.workload()),
        Tag.of("source_canonical_service", src.canonicalService()),
        Tag.of("source_canonical_revision", src.canonicalRevision()),
        Tag.of("source_workload_namespace", src.namespace()),
        Tag.of("source_principal", src.principal()),
        Tag.of("source_app", src.app()),
        Tag.of("source_version", src.version()),
        Tag.of("source_cluster", src.cluster()),
        Tag.of("destination_workload", dst.workload()),
        Tag.of("destination_workload_namespace", dst.namespace()),
        Tag.of("destination_principal", dst.principal()),
        Tag.of("destination_app", dst.app()),
        Tag.of("destination_version", dst.version()),
        Tag.of("destination_service", labels.service().host()),
        Tag.of("destination_canonical_service", dst.canonicalService()),
        Tag.of("destination_canonical_revision", dst.canonicalRevision()),
        Tag.of("destination_service_name", labels.service().name()),
        Tag.of("destination_service_namespace", labels.service().namespace()),
        Tag.of("destination_cluster", dst.cluster()),
        Tag.of("request_protocol", protocol.label()),
        Tag.of("response_code", Integer.toString(responseCode)),
        // Istio writes an empty value for HTTP; Prometheus reads an empty label as absent.
        Tag.of("grpc_response_status", grpcStatus < 0 ? "" : Integer.toString(grpcStatus)),
        Tag.of("response_flags", responseFlags),
        Tag.of("connection_security_policy", labels.securityPolicy().label()));
  }

  private static int codeSlot(int code) {
    if (code == 0) {
      return 0;
    }
    if (code >= 100 && code <= 599) {
      return code - 99;
    }
    return -1;
  }

  /** The meters of one peer pair, by outcome. */
  private final class PerTraffic {
    private final TrafficLabels labels;
    // The fast path: HTTP, no flags, no gRPC status; one slot per status code.
    private final AtomicReferenceArray<CallMeters> plainHttp = new AtomicReferenceArray<>(CODE_SLOTS);
    private final ConcurrentHashMap<Outcome, CallMeters> others = new ConcurrentHashMap<>();

    PerTraffic(TrafficLabels labels) {
      this.labels = labels;
    }

    @Nullable CallMeters meters(RequestProtocol protocol, int code, String flags, int grpcStatus) {
      int slot = protocol == RequestProtocol.HTTP && grpcStatus < 0 && CallRecord.NO_FLAGS.equals(flags)
          ? codeSlot(code)
          : -1;
      if (slot >= 0) {
        CallMeters m = plainHttp.get(slot);
        if (m != null) {
          return m;
        }
        m = create(labels, protocol, code, flags, grpcStatus);
        if (m == null) {
          return null;
        }
        // A racing creator registered the same meters (Micrometer returns one meter per id);
        // whichever lands in the slot first is kept, and the count stays honest.
        if (!plainHttp.compareAndSet(slot, null, m)) {
          series.decrementAndGet();
          return plainHttp.get(slot);
        }
        return m;
      }
      Outcome key = new Outcome(protocol, code, flags, grpcStatus);
      CallMeters m = others.get(key);
      if (m != null) {
        return m;
      }
      m = create(labels, protocol, code, flags, grpcStatus);
      if (m == null) {
        return null;
      }
      CallMeters prior = others.putIfAbsent(key, m);
      if (prior != null) {
        series.decrementAndGet();
        return prior;
      }
      return m;
    }
  }

  private record Outcome(RequestProtocol protocol, int code, String flags, int grpcStatus) {}
}
