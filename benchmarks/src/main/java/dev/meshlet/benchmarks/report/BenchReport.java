package dev.meshlet.benchmarks.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The report of one run, in the shape issue 9 fixes: {@code {"scenarios": {...}, "ratios":
 * {...}}}, every ratio computed from this run's own figures, null when an input is missing.
 *
 * <p>Added latency compares what an application writing plaintext HTTP gets from each way of
 * adding mTLS and policy: {@code (meshlet_mtls - raw) / (sidecar - raw)}, the sidecar model
 * carrying mTLS between its proxies. Throughput compares like with like: Meshlet plaintext with
 * raw plaintext, Meshlet mTLS with raw JSSE mTLS.
 */
public record BenchReport(Map<String, ScenarioResult> scenarios, Map<String, @Nullable Double> ratios) {
  /** The scenarios, in the order. */
  public static final List<String> SCENARIOS = List.of("raw", "raw_mtls", "meshlet_plain", "meshlet_mtls", "sidecar");

  private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  public BenchReport {
    scenarios = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scenarios));
    ratios = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ratios));
  }

  /** Builds the report and its ratios from the scenarios' results. */
  public static BenchReport of(Map<String, ScenarioResult> results) {
    Map<String, ScenarioResult> ordered = new LinkedHashMap<>();
    for (String name : SCENARIOS) {
      ScenarioResult result = results.get(name);
      ordered.put(name, result == null ? ScenarioResult.failed("not run") : result);
    }
    ScenarioResult raw = ordered.get("raw");
    ScenarioResult rawMtls = ordered.get("raw_mtls");
    ScenarioResult meshPlain = ordered.get("meshlet_plain");
    ScenarioResult meshMtls = ordered.get("meshlet_mtls");
    ScenarioResult sidecar = ordered.get("sidecar");
    Map<String, @Nullable Double> ratios = new LinkedHashMap<>();
    ratios.put("added_vs_sidecar_p50", addedRatio(meshMtls, raw, sidecar, raw, ScenarioResult::p50Us));
    ratios.put("added_vs_sidecar_p99", addedRatio(meshMtls, raw, sidecar, raw, ScenarioResult::p99Us));
    ratios.put("throughput_plain", ratio(meshPlain.maxRps(), raw.maxRps()));
    ratios.put("throughput_mtls", ratio(meshMtls.maxRps(), rawMtls.maxRps()));
    // Beyond the four, to split Meshlet's share from the JDK's TLS: Meshlet in plaintext
    // against the sidecar, and what Meshlet with mTLS adds over raw JSSE mTLS, each over the
    // sidecar's added latency.
    ratios.put("added_plain_vs_sidecar_p50", addedRatio(meshPlain, raw, sidecar, raw, ScenarioResult::p50Us));
    ratios.put("added_plain_vs_sidecar_p99", addedRatio(meshPlain, raw, sidecar, raw, ScenarioResult::p99Us));
    ratios.put("added_over_jsse_vs_sidecar_p50", addedRatio(meshMtls, rawMtls, sidecar, raw, ScenarioResult::p50Us));
    ratios.put("added_over_jsse_vs_sidecar_p99", addedRatio(meshMtls, rawMtls, sidecar, raw, ScenarioResult::p99Us));
    return new BenchReport(ordered, ratios);
  }

  /** The figure {@code sidecar - raw} at one percentile: what the two proxy hops add. */
  public static @Nullable Double added(ScenarioResult scenario, ScenarioResult raw,
      Function<ScenarioResult, @Nullable Double> figure) {
    Double a = scenario.ok() ? figure.apply(scenario) : null;
    Double b = raw.ok() ? figure.apply(raw) : null;
    return a == null || b == null ? null : round(a - b, 1);
  }

  /** {@code (mesh - meshBaseline) / (sidecar - raw)} at one percentile. */
  static @Nullable Double addedRatio(ScenarioResult mesh, ScenarioResult meshBaseline, ScenarioResult sidecar,
      ScenarioResult raw, Function<ScenarioResult, @Nullable Double> figure) {
    Double meshAdded = added(mesh, meshBaseline, figure);
    Double sidecarAdded = added(sidecar, raw, figure);
    // A sidecar that adds nothing (or less than noise) leaves the ratio undefined, not infinite.
    if (meshAdded == null || sidecarAdded == null || sidecarAdded <= 0) {
      return null;
    }
    return round(meshAdded / sidecarAdded, 4);
  }

  static @Nullable Double ratio(@Nullable Double numerator, @Nullable Double denominator) {
    if (numerator == null || denominator == null || denominator <= 0) {
      return null;
    }
    return round(numerator / denominator, 4);
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  /** The one-line JSON object, the last line run.sh prints. */
  public String toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("scenarios", scenarios);
    root.put("ratios", ratios);
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the report", e);
    }
  }

  /** One scenario's result as one JSON line (the client process's output). */
  public static String toJson(ScenarioResult result) {
    try {
      return JSON.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a result", e);
    }
  }

  /** Reads a line written by {@link #toJson(ScenarioResult)}. */
  public static ScenarioResult parse(String json) throws JsonProcessingException {
    return JSON.readValue(json, ScenarioResult.class);
  }

  /** The human line for one scenario. */
  public static String humanLine(String name, ScenarioResult r) {
    if (!r.ok()) {
      return String.format(Locale.ROOT, "%-14s %s", name, r.status());
    }
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "%-14s p50 %8.1f us  p90 %8.1f us  p99 %8.1f us  p99.9 %8.1f us  @ %.0f rps | max %8.0f rps (c=%d)"
            + " | client %.1f ms CPU/1k, %.0f B/req, peak RSS %d MB | server %.1f ms CPU/1k",
        name, r.p50Us(), r.p90Us(), r.p99Us(), r.p999Us(), r.rateRps(), r.maxRps(), r.concurrency(),
        r.cpuMsPer1k(), r.allocBytesPerReq(), r.rssKb() == null ? -1 : r.rssKb() / 1024,
        r.serverCpuMsPer1k()));
    if (r.proxyCpuMsPer1k() != null) {
      line.append(String.format(Locale.ROOT, " | proxies %.1f ms CPU/1k, peak RSS %d MB",
          r.proxyCpuMsPer1k(), r.proxyRssKb() == null ? -1 : r.proxyRssKb() / 1024));
    }
    if (!ScenarioResult.OK.equals(r.status())) {
      line.append(" | ").append(r.status());
    }
    if (r.errors() != null && r.errors() > 0) {
      line.append(" | ERRORS ").append(r.errors());
    }
    return line.toString();
  }
}
