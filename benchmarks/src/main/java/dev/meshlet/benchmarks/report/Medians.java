package dev.meshlet.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The median of several runs ({@code run.sh --repeat N}): per scenario, each figure's median over
 * the runs where that scenario succeeded; each ratio, the median of the ratios each run computed
 * from its own figures (a ratio stays a same-run comparison). The runs' own ratios are kept
 * beside it, so the spread is visible.
 */
public final class Medians {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Medians() {}

  /** The report of the runs' medians, with {@code runs} and {@code ratios_by_run} added. */
  public static String toJson(List<BenchReport> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no run to take a median of");
    }
    ObjectNode root = JSON.createObjectNode();
    ObjectNode scenarios = root.putObject("scenarios");
    for (String name : BenchReport.SCENARIOS) {
      scenarios.set(name, scenario(name, runs));
    }
    ObjectNode ratios = root.putObject("ratios");
    for (String ratio : runs.get(0).ratios().keySet()) {
      List<Double> values = new ArrayList<>();
      for (BenchReport run : runs) {
        Double v = run.ratios().get(ratio);
        if (v != null) {
          values.add(v);
        }
      }
      Double median = median(values);
      if (median == null) {
        ratios.putNull(ratio);
      } else {
        ratios.put(ratio, BenchReport.round(median, 4));
      }
    }
    root.put("runs", runs.size());
    ObjectNode byRun = root.putObject("ratios_by_run");
    for (String ratio : runs.get(0).ratios().keySet()) {
      var array = byRun.putArray(ratio);
      runs.forEach(run -> {
        Double v = run.ratios().get(ratio);
        if (v == null) {
          array.addNull();
        } else {
          array.add(v);
        }
      });
    }
    return root.toString();
  }

  /** One scenario's figures, each the median over the runs where it succeeded. */
  private static ObjectNode scenario(String name, List<BenchReport> runs) {
    List<JsonNode> ok = new ArrayList<>();
    String lastStatus = "failed: not run";
    for (BenchReport run : runs) {
      ScenarioResult r = run.scenarios().get(name);
      lastStatus = r.status();
      if (r.ok()) {
        ok.add(JSON.valueToTree(r));
      }
    }
    ObjectNode out = JSON.createObjectNode();
    if (ok.isEmpty()) {
      out.put("status", lastStatus);
      return out;
    }
    out.put("status", ok.size() == runs.size() ? ScenarioResult.OK
        : ScenarioResult.OK + " in " + ok.size() + " of " + runs.size() + " runs");
    // Fields in the report's order; a field null in every run stays null.
    for (Iterator<String> names = ok.get(0).fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (field.equals("status")) {
        continue;
      }
      List<Double> values = new ArrayList<>();
      boolean integral = true;
      JsonNode text = null;
      for (JsonNode r : ok) {
        JsonNode v = r.get(field);
        if (v != null && v.isNumber()) {
          values.add(v.asDouble());
          integral &= v.isIntegralNumber();
        } else if (v != null && !v.isNull() && text == null) {
          text = v;
        }
      }
      Double median = median(values);
      if (median != null) {
        if (integral) {
          out.put(field, Math.round(median));
        } else {
          out.put(field, BenchReport.round(median, 1));
        }
      } else if (text != null) {
        out.set(field, text);
      } else {
        out.putNull(field);
      }
    }
    return out;
  }

  static @Nullable Double median(List<Double> values) {
    if (values.isEmpty()) {
      return null;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
