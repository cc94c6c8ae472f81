package dev.meshlet.core.telemetry.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.telemetry.Fixtures;
import dev.meshlet.core.telemetry.RequestProtocol;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus tool reads the scrape: {@code promtool check metrics} (Debian's
 * {@code prometheus} package; CI installs it). The test is skipped, saying so, only where
 * promtool is not installed.
 */
class PromtoolCheckTest {

  /**
   * promtool's linter wants base units; Istio's own name {@code istio_request_duration_milliseconds}
   * fails that lint in Istio's scrape too, so it is the one problem allowed.
   */
  static final String INHERITED_FROM_ISTIO = "use base unit \"seconds\" instead of \"milliseconds\"";

  @Test
  void promtoolAcceptsTheScrape(@TempDir Path dir) throws Exception {
    String promtool = findPromtool();
    Assumptions.assumeTrue(
        promtool != null,
        "promtool is not installed: skipping the Prometheus check (apt-get install prometheus)");

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IstioMetrics istio = IstioMetrics.create(registry);
    istio.record(Fixtures.okCall(Fixtures.clientSide()).build());
    istio.record(Fixtures.okCall(Fixtures.serverSide()).build());
    istio.record(Fixtures.okCall(Fixtures.clientSide()).responseCode(503).responseFlags("UF,URX").build());
    istio.record(Fixtures.okCall(Fixtures.serverSide()).protocol(RequestProtocol.GRPC).grpcStatus(0).build());
    MeshletMetrics meshlet = MeshletMetrics.create(registry);
    String cluster = "outbound|9080|v2|reviews.default.svc.cluster.local";
    meshlet.retry(cluster);
    meshlet.ejection(cluster);
    meshlet.ejectedHosts(cluster, 1);
    meshlet.poolOverflow(cluster);
    meshlet.authzDenied("default/deny-all");
    meshlet.configVersion(42);
    meshlet.certificateExpiry(Fixtures.PRODUCTPAGE_ID, 1_764_186_400L);
    meshlet.telemetryError("access_log");

    Path scrape = dir.resolve("scrape.txt");
    Files.writeString(scrape, registry.scrape(), StandardCharsets.UTF_8);

    Process p =
        new ProcessBuilder(promtool, "check", "metrics")
            .redirectInput(scrape.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    List<String> problems =
        Arrays.stream(out.split("\n"))
            .map(String::strip)
            .filter(l -> !l.isEmpty())
            .filter(l -> !l.endsWith(INHERITED_FROM_ISTIO))
            .toList();

    // Exit 0: clean; exit 3: lint problems only (never a parse error, which is exit 1).
    assertThat(p.exitValue()).as(out).isIn(0, 3);
    assertThat(problems).as("promtool's findings other than Istio's own unit").isEmpty();
    assertThat(out).contains("istio_request_duration_milliseconds " + INHERITED_FROM_ISTIO);
  }

  static String findPromtool() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      File f = new File(dir, "promtool");
      if (f.canExecute()) {
        return f.getAbsolutePath();
      }
    }
    return null;
  }
}
