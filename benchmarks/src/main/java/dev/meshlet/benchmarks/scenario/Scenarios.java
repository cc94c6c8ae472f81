package dev.meshlet.benchmarks.scenario;

import java.util.List;

/** Every scenario of the comparison, in the report's order. */
public final class Scenarios {
  private Scenarios() {}

  public static List<Scenario> all() {
    return List.of(new RawScenario(), new RawMtlsScenario(), MeshletScenario.plain(), MeshletScenario.mtls(),
        new SidecarScenario());
  }

  /** The scenario called {@code name}. */
  public static Scenario named(String name) {
    return all().stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("scenario: " + name + " (expected one of "
            + all().stream().map(Scenario::name).toList() + ")"));
  }
}
