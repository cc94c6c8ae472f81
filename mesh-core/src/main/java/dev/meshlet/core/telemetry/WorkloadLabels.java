package dev.meshlet.core.telemetry;

import dev.meshlet.core.registry.WorkloadInstance;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One side's identity as Istio's metrics label it ({@code source_*} or {@code destination_*}):
 * workload, namespace, principal, app, version, canonical service and revision, cluster. A
 * value Istio would not know is {@code unknown}; a canonical revision it would not know is
 * {@code latest}, as Istio's stats filter writes them.
 *
 * @param workload the workload name ({@code reviews-v1})
 * @param namespace the workload's namespace
 * @param principal the peer's SPIFFE ID, known only over mutual TLS
 *     ({@code spiffe://cluster.local/ns/default/sa/reviews})
 * @param app the {@code app} label
 * @param version the {@code version} label
 * @param canonicalService {@code service.istio.io/canonical-name}, else {@code app}
 * @param canonicalRevision {@code service.istio.io/canonical-revision}, else {@code version}
 * @param cluster the cluster the workload runs in
 */
public record WorkloadLabels(
    String workload,
    String namespace,
    String principal,
    String app,
    String version,
    String canonicalService,
    String canonicalRevision,
    String cluster) {

  /** Istio's value for what is not known. */
  public static final String UNKNOWN = "unknown";

  /** Istio's value for a canonical revision that is not known. */
  public static final String LATEST = "latest";

  /** A peer Meshlet knows nothing of (a caller without mesh metadata, an external host). */
  public static final WorkloadLabels UNKNOWN_PEER =
      new WorkloadLabels(null, null, null, null, null, null, null, null);

  public WorkloadLabels(
      @Nullable String workload,
      @Nullable String namespace,
      @Nullable String principal,
      @Nullable String app,
      @Nullable String version,
      @Nullable String canonicalService,
      @Nullable String canonicalRevision,
      @Nullable String cluster) {
    this.workload = orUnknown(workload);
    this.namespace = orUnknown(namespace);
    this.principal = orUnknown(principal);
    this.app = orUnknown(app);
    this.version = orUnknown(version);
    this.canonicalService = orUnknown(canonicalService);
    this.canonicalRevision = orDefault(canonicalRevision, LATEST);
    this.cluster = orUnknown(cluster);
  }

  /**
   * The labels of a registered workload, without a principal (set it with {@link
   * #withPrincipal} once mutual TLS has proven it). The workload name is the service name plus
   * {@code -version} when the instance has a {@code version} label ({@code reviews-v1}, as a
   * Kubernetes Deployment would be named); app defaults to the service name.
   */
  public static WorkloadLabels of(WorkloadInstance instance, @Nullable String cluster) {
    Map<String, String> labels = instance.labels();
    String version = labels.get("version");
    String app = labels.getOrDefault("app", instance.service());
    String workload =
        version == null || version.isEmpty() ? instance.service() : instance.service() + "-" + version;
    String canonicalName =
        firstNonEmpty(
            labels.get("service.istio.io/canonical-name"),
            labels.get("app.kubernetes.io/name"),
            app);
    String canonicalRevision =
        firstNonEmpty(
            labels.get("service.istio.io/canonical-revision"),
            labels.get("app.kubernetes.io/version"),
            version);
    return new WorkloadLabels(
        workload,
        instance.namespace(),
        null,
        app,
        version,
        canonicalName,
        canonicalRevision,
        cluster);
  }

  /** These labels with the principal a peer's certificate proved. */
  public WorkloadLabels withPrincipal(@Nullable String spiffeId) {
    return new WorkloadLabels(
        workload, namespace, spiffeId, app, version, canonicalService, canonicalRevision, cluster);
  }

  private static String orUnknown(@Nullable String value) {
    return orDefault(value, UNKNOWN);
  }

  private static String orDefault(@Nullable String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }

  private static @Nullable String firstNonEmpty(@Nullable String... values) {
    for (String v : values) {
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }
}
