package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.Map;

/** Selects workloads by their labels; every label must match. */
public record WorkloadSelector(Map<String, String> labels) {
  public WorkloadSelector {
    labels = Copies.map(labels);
  }
}
