package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.Problem;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.analysis.ConfigAnalyzer;
import dev.meshlet.core.registry.WorkloadInstance;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Validation of a whole set of documents: each on its own, then together. */
public final class ConfigValidation {
  private ConfigValidation() {}

  /**
   * Adds the cross-resource analysis (in the spirit of {@code istioctl analyze}) to the reports
   * of documents that were each read on their own. Without a registry, the checks that need one
   * are skipped.
   */
  public static List<ResourceReport> analyze(List<ResourceReport> reports) {
    return analyze(reports, null);
  }

  /** As {@link #analyze(List)}, also checking hosts and subsets against the workloads known to run. */
  public static List<ResourceReport> analyze(
      List<ResourceReport> reports, @Nullable Collection<WorkloadInstance> registry) {
    // As kubectl apply would: a later definition of the same resource replaces an earlier one,
    // so only the last one of each is analyzed, and only it carries the findings.
    Map<ResourceId, ResourceReport> inForce = new LinkedHashMap<>();
    for (ResourceReport r : reports) {
      if (r.valid()) {
        inForce.put(r.resource().id(), r);
      }
    }
    List<Resource<?>> valid = new ArrayList<>();
    inForce.values().forEach(r -> valid.add(r.resource()));
    Map<ResourceId, List<Problem>> findings = ConfigAnalyzer.analyze(valid, registry);
    if (findings.isEmpty()) {
      return List.copyOf(reports);
    }
    List<ResourceReport> out = new ArrayList<>(reports.size());
    for (ResourceReport r : reports) {
      boolean last = r.valid() && inForce.get(r.resource().id()) == r;
      out.add(last ? r.with(findings.getOrDefault(r.resource().id(), List.of())) : r);
    }
    return out;
  }
}
