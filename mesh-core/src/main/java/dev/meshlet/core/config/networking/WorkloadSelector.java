package dev.meshlet.core.config.networking;

import java.util.Map;

/** Selects workloads by their labels; every label must match. */
public record WorkloadSelector(Map<String, String> labels) {
  public WorkloadSelector {
    labels = Copies.map(labels);
  }
}
