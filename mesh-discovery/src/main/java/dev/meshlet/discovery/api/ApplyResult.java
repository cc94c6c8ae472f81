package dev.meshlet.discovery.api;

import dev.meshlet.core.protocol.ApiError.ApiProblem;
import java.util.List;

/**
 * The answer to an accepted apply: the version it made (unchanged when nothing changed), what
 * happened to each resource, and the warnings found.
 */
public record ApplyResult(long version, List<Applied> resources, List<ApiProblem> warnings) {
  public ApplyResult {
    resources = List.copyOf(resources);
    warnings = List.copyOf(warnings);
  }

  /** One resource of the batch and what the apply did to it: created, configured or unchanged. */
  public record Applied(String kind, String namespace, String name, String action) {}
}
