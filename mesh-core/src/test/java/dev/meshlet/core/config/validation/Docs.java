package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import java.util.List;

/** Builds one-resource YAML documents for the validation tests and reads them. */
final class Docs {
  private Docs() {}

  static String doc(String kind, String spec) {
    return "apiVersion: networking.istio.io/v1\nkind: " + kind + "\nmetadata:\n  name: test\n  namespace: default\nspec:\n"
        + spec.stripTrailing().indent(2);
  }

  static ResourceReport read(String kind, String spec) {
    List<ResourceReport> reports = ConfigReader.read("test.yaml", doc(kind, spec));
    if (reports.size() != 1) {
      throw new AssertionError("expected one document, got " + reports.size());
    }
    return reports.get(0);
  }
}
