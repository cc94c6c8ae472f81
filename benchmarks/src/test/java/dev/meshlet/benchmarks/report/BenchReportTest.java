package dev.meshlet.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {
  private static ScenarioResult measured(double p50, double p99, double maxRps) {
    return new ScenarioResult("ok", p50, p50 * 1.5, p99, p99 * 2, p99 * 3, maxRps, 1000.0, 10_000L, 0L, 16, 50.0,
        4_000.0, 200_000L, 40.0, 30.0, null, null, null, 60.0, 5.0, "plaintext");
  }

  @Test
  void theLastLineHasTheIssuesShapeWithNullsForWhatIsNotBuilt() throws Exception {
    BenchReport report = BenchReport.of(Map.of(
        "raw", measured(100, 300, 20_000),
        "raw_mtls", measured(120, 350, 15_000),
        "sidecar", measured(600, 2_300, 5_000),
        "meshlet_plain", ScenarioResult.notBuilt("runtime not in main"),
        "meshlet_mtls", ScenarioResult.notBuilt("runtime not in main")));

    JsonNode json = new ObjectMapper().readTree(report.toJson());

    assertThat(json.fieldNames()).toIterable().containsExactly("scenarios", "ratios");
    assertThat(json.get("scenarios").fieldNames()).toIterable()
        .containsExactly("raw", "raw_mtls", "meshlet_plain", "meshlet_mtls", "sidecar");
    for (String field : List.of("p50_us", "p90_us", "p99_us", "p999_us", "max_rps")) {
      assertThat(json.get("scenarios").get("raw").get(field).isNumber()).as(field).isTrue();
      assertThat(json.get("scenarios").get("meshlet_mtls").get(field).isNull()).as(field).isTrue();
    }
    assertThat(json.get("scenarios").get("meshlet_plain").get("status").asText())
        .isEqualTo("not built: runtime not in main");
    assertThat(json.get("ratios").fieldNames()).toIterable()
        .containsExactly("added_vs_sidecar_p50", "added_vs_sidecar_p99", "throughput_plain", "throughput_mtls",
            "added_plain_vs_sidecar_p50", "added_plain_vs_sidecar_p99", "added_over_jsse_vs_sidecar_p50",
            "added_over_jsse_vs_sidecar_p99");
    json.get("ratios").forEach(ratio -> assertThat(ratio.isNull()).isTrue());
  }

  @Test
  void ratiosCompareAddedLatencyAndThroughputFromTheSameRun() {
    BenchReport report = BenchReport.of(Map.of(
        "raw", measured(100, 300, 20_000),
        "raw_mtls", measured(120, 350, 16_000),
        "meshlet_plain", measured(110, 320, 19_000),
        "meshlet_mtls", measured(125, 400, 15_200),
        "sidecar", measured(600, 2_300, 5_000)));

    // Meshlet mTLS adds 25 us at p50 where the sidecar adds 500; 100 at p99 where it adds 2000.
    assertThat(report.ratios()).containsEntry("added_vs_sidecar_p50", 0.05)
        .containsEntry("added_vs_sidecar_p99", 0.05)
        .containsEntry("throughput_plain", 0.95)
        .containsEntry("throughput_mtls", 0.95)
        // Plaintext Meshlet adds 10 of the sidecar's 500 at p50; with mTLS, 5 over raw JSSE's 120.
        .containsEntry("added_plain_vs_sidecar_p50", 0.02)
        .containsEntry("added_over_jsse_vs_sidecar_p50", 0.01)
        .containsEntry("added_over_jsse_vs_sidecar_p99", 0.025);
  }

  @Test
  void aResultLineRoundTrips() throws Exception {
    ScenarioResult result = measured(100, 300, 20_000);
    assertThat(BenchReport.parse(BenchReport.toJson(result))).isEqualTo(result);
  }
}
