package dev.meshlet.core.config.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SecuritySamplesTest {
  /** Surefire runs in the module directory; the samples live at the repository root. */
  private static final Path SAMPLES = Path.of("..", "samples", "security");

  @Test
  void everyBundledSecuritySampleIsValidWithoutWarnings() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(SAMPLES)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }

    assertThat(files).extracting(p -> p.getFileName().toString())
        .contains("peer-authentication-strict.yaml", "authz-bookinfo-allow.yaml", "authz-bookinfo-deny.yaml");
    for (Path file : files) {
      List<ResourceReport> reports = ConfigReader.read(file);
      assertThat(reports).as(file.toString()).isNotEmpty();
      assertThat(reports).allSatisfy(r -> assertThat(r.problems()).as(r.subject()).isEmpty());
    }
  }
}
