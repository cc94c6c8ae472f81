package dev.meshlet.tls.testing;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import java.util.List;

/** Snapshots from Istio YAML that must pass Meshlet's validation, as the data plane receives them. */
public final class Configs {

  private Configs() {}

  public static List<Resource<?>> resources(String yaml) {
    List<ResourceReport> reports = ConfigReader.read("test.yaml", yaml);
    for (ResourceReport r : reports) {
      if (!r.valid()) {
        throw new AssertionError("invalid test config: " + r.lines());
      }
    }
    return reports.stream().<Resource<?>>map(ResourceReport::resource).toList();
  }

  public static ConfigSnapshot snapshot(String yaml) {
    return ConfigSnapshot.of(1, resources(yaml));
  }
}
