package dev.meshlet.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediansTest {
  private static ScenarioResult measured(double p50, double maxRps) {
    return new ScenarioResult("ok", p50, p50, p50 * 3, p50 * 6, p50 * 9, maxRps, 500.0, 3_000L, 0L, 16, 50.0,
        9_000.0, 400_000L, 40.0, 30.0, null, null, null, 60.0, 5.0, "plaintext");
  }

  private static BenchReport run(double rawP50, double meshP50, double sidecarP50, ScenarioResult meshPlain) {
    return BenchReport.of(Map.of(
        "raw", measured(rawP50, 6_000),
        "raw_mtls", measured(rawP50 + 50, 4_000),
        "meshlet_plain", meshPlain,
        "meshlet_mtls", measured(meshP50, 3_600),
        "sidecar", measured(sidecarP50, 5_000)));
  }

  @Test
  void figuresAreMediansOfTheRunsAndRatiosMediansOfEachRunsOwnRatio() throws Exception {
    List<BenchReport> runs = List.of(
        run(400, 500, 700, measured(450, 5_000)),   // ratio (500-400)/(700-400) = 0.3333
        run(300, 600, 600, measured(350, 5_400)),   // 1.0
        run(500, 550, 1_000, ScenarioResult.failed("client did not finish"))); // 0.1

    JsonNode json = new ObjectMapper().readTree(Medians.toJson(runs));

    assertThat(json.get("runs").asInt()).isEqualTo(3);
    assertThat(json.get("scenarios").get("raw").get("p50_us").asDouble()).isEqualTo(400.0);
    assertThat(json.get("scenarios").get("raw").get("status").asText()).isEqualTo("ok");
    assertThat(json.get("scenarios").get("raw").get("concurrency").isIntegralNumber()).isTrue();
    assertThat(json.get("scenarios").get("raw").get("proxy_rss_kb").isNull()).isTrue();
    // Not the ratio of the median figures ((550-400)/(700-400) = 0.5), the median of the runs' ratios.
    assertThat(json.get("ratios").get("added_vs_sidecar_p50").asDouble()).isEqualTo(0.3333);
    assertThat(json.get("ratios_by_run").get("added_vs_sidecar_p50")).hasSize(3);
    // A scenario that failed in one run: the median of the runs where it succeeded, and the status says so.
    assertThat(json.get("scenarios").get("meshlet_plain").get("p50_us").asDouble()).isEqualTo(400.0);
    assertThat(json.get("scenarios").get("meshlet_plain").get("status").asText()).isEqualTo("ok in 2 of 3 runs");
    assertThat(json.get("scenarios").get("meshlet_plain").get("tls").asText()).isEqualTo("plaintext");
    // throughput_plain per run: 5000/6000, 5400/6000, null: the median of the two it has.
    assertThat(json.get("ratios").get("throughput_plain").asDouble()).isEqualTo(0.8667);
  }
}
