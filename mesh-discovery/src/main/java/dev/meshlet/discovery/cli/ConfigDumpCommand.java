package dev.meshlet.discovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.meshlet.core.protocol.ProtocolJson;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code meshctl config-dump WORKLOAD}: the config one agent holds, as {@code istioctl
 * proxy-config} shows a proxy's: the resources and endpoints of the view sent to it, the
 * versions sent and acknowledged, and its NACK error if any.
 */
@Command(
    name = "config-dump",
    mixinStandardHelpOptions = true,
    description = {"Shows the config an agent was sent (resources and endpoints), the versions sent and acknowledged,"
        + " and its last NACK. WORKLOAD is the NAME that proxy-status lists (NAME.NAMESPACE works too) or a lease id."})
final class ConfigDumpCommand implements Callable<Integer> {
  enum Output {
    text,
    yaml,
    json
  }

  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "WORKLOAD", description = "The agent's name as proxy-status lists it, or its lease id.")
  String workload;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Its namespace (default: after a dot in WORKLOAD, else default).")
  @Nullable String namespace;

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT", description = "text, yaml or json. Default: ${DEFAULT-VALUE}.")
  Output output;

  @Override
  public Integer call() throws Exception {
    String name = workload;
    String ns = namespace;
    int dot = name.lastIndexOf('.');
    if (ns == null && dot > 0 && dot < name.length() - 1) {
      ns = name.substring(dot + 1);
      name = name.substring(0, dot);
    }
    ns = ns == null ? "default" : ns;
    try {
      String path = "/v1/agents/" + encode(ns) + "/" + encode(name) + "/config";
      JsonNode dump = ProtocolJson.mapper().readTree(client.expectOk(client.call("GET", path, null)));
      PrintWriter out = spec.commandLine().getOut();
      switch (output) {
        case json -> out.println(ProtocolJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(dump));
        case yaml -> out.print(YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build()
            .writeValueAsString(dump));
        case text -> text(out, dump);
      }
      return Meshctl.OK;
    } finally {
      client.close();
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static void text(PrintWriter out, JsonNode dump) {
    JsonNode s = dump.path("status");
    out.println("AGENT:          " + s.path("name").asText() + "." + s.path("namespace").asText()
        + " (service " + s.path("service").asText() + ", lease " + s.path("leaseId").asText() + ")");
    out.println("STATUS:         " + s.path("status").asText()
        + (s.path("connected").asBoolean() ? ", connected since " + s.path("connectedSince").asText() : ", not connected"));
    out.println("VERSION SENT:   " + s.path("versionSent").asLong());
    out.println("VERSION ACKED:  " + s.path("versionAcked").asLong());
    if (s.hasNonNull("lastNack")) {
      out.println("LAST NACK:      version " + dump.path("nackedVersion").asText("?") + ": " + s.path("lastNack").asText());
    }
    out.println();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"KIND", "NAMESPACE", "NAME"});
    for (JsonNode r : dump.path("resources")) {
      rows.add(new String[] {r.path("kind").asText(), r.path("metadata").path("namespace").asText("default"),
          r.path("metadata").path("name").asText()});
    }
    out.println("RESOURCES SENT (" + (rows.size() - 1) + "):");
    table(out, rows);
    out.println();
    rows = new ArrayList<>();
    rows.add(new String[] {"SERVICE", "NAMESPACE", "ADDRESS", "PORTS", "ID"});
    for (JsonNode e : dump.path("endpoints")) {
      JsonNode w = e.path("workload");
      StringBuilder ports = new StringBuilder();
      for (Iterator<Map.Entry<String, JsonNode>> it = w.path("ports").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        ports.append(ports.length() == 0 ? "" : ",").append(p.getKey()).append('=').append(p.getValue().asText());
      }
      rows.add(new String[] {w.path("service").asText(), w.path("namespace").asText(), w.path("address").asText(),
          ports.length() == 0 ? "-" : ports.toString(), e.path("id").asText()});
    }
    out.println("ENDPOINTS SENT (" + (rows.size() - 1) + "):");
    table(out, rows);
  }

  private static void table(PrintWriter out, List<String[]> rows) {
    int[] w = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        w[i] = Math.max(w[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        b.append(row[i]);
        if (i < row.length - 1) {
          b.append(" ".repeat(w[i] - row[i].length() + 3));
        }
      }
      out.println(b);
    }
  }
}
