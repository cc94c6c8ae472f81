package dev.meshlet.core.config.source;

import dev.meshlet.core.config.Problem;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.validation.ConfigValidation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of documents judged together, all or nothing: it is good only when every document is
 * valid and no resource appears twice.
 */
public record ConfigBatch(List<ResourceReport> reports) {
  public ConfigBatch {
    reports = List.copyOf(reports);
  }

  /** Judges {@code reports}: marks duplicates and adds the cross-resource analysis. */
  public static ConfigBatch of(List<ResourceReport> reports) {
    Map<ResourceId, ResourceReport> seen = new HashMap<>();
    List<ResourceReport> out = new ArrayList<>(reports.size());
    for (ResourceReport r : reports) {
      Resource<?> res = r.resource();
      if (res != null) {
        ResourceReport first = seen.putIfAbsent(res.id(), r);
        if (first != null) {
          r = r.with(List.of(Problem.error("metadata.name", res.id() + " is also defined in " + first.source()
              + (first.source().equals(r.source()) ? " (document " + (first.documentIndex() + 1) + ")" : ""))));
        }
      }
      out.add(r);
    }
    return new ConfigBatch(ConfigValidation.analyze(out));
  }

  public boolean valid() {
    return reports.stream().allMatch(ResourceReport::valid);
  }

  /** The resources of a valid batch. */
  public List<Resource<?>> resources() {
    List<Resource<?>> out = new ArrayList<>();
    for (ResourceReport r : reports) {
      if (r.resource() != null) {
        out.add(r.resource());
      }
    }
    return List.copyOf(out);
  }

  /** The reports that hold an error. */
  public List<ResourceReport> invalid() {
    return reports.stream().filter(r -> !r.valid()).toList();
  }
}
