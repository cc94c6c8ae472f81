package dev.meshlet.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.config.codec.ConfigReader;
import java.util.List;

/** Test helper: resources from YAML that must be valid on their own. */
public final class Yaml {
  private Yaml() {}

  public static List<Resource<?>> resources(String yaml) {
    List<ResourceReport> reports = ConfigReader.read("test.yaml", yaml);
    assertThat(reports).allSatisfy(r -> assertThat(r.valid()).as("%s", r.lines()).isTrue());
    return reports.stream().<Resource<?>>map(ResourceReport::resource).toList();
  }
}
