package dev.meshlet.core.config.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.config.Problem;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import java.util.List;

/** Builds one-document YAML for a security kind around a spec, and reads it. */
final class SecurityDocs {
  private SecurityDocs() {}

  static ResourceReport read(String kind, String spec) {
    return readWithAnnotations(kind, "", spec);
  }

  /** {@code annotations} are YAML lines at the indent of metadata's fields' values. */
  static ResourceReport readWithAnnotations(String kind, String annotations, String spec) {
    String doc = "apiVersion: security.istio.io/v1\n"
        + "kind: " + kind + "\n"
        + "metadata:\n"
        + "  name: test\n"
        + "  namespace: foo\n"
        + (annotations.isEmpty() ? "" : "  annotations:\n" + indent(annotations, 4))
        + "spec:\n" + indent(spec, 2);
    List<ResourceReport> reports = ConfigReader.read("test.yaml", doc);
    assertThat(reports).hasSize(1);
    return reports.get(0);
  }

  private static String indent(String text, int spaces) {
    String pad = " ".repeat(spaces);
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n")) {
      out.append(pad).append(line).append('\n');
    }
    return out.toString();
  }

  /** Asserts the report is invalid with an error at exactly {@code path} whose message holds {@code fragment}. */
  static void assertError(ResourceReport report, String path, String fragment) {
    assertThat(report.valid()).as("valid: %s", report.problems()).isFalse();
    assertThat(report.errors())
        .as("errors")
        .anySatisfy(p -> {
          assertThat(p.path()).isEqualTo(path);
          assertThat(p.message()).contains(fragment);
        });
  }

  static List<String> warningPaths(ResourceReport report) {
    return report.warnings().stream().map(Problem::path).toList();
  }
}
