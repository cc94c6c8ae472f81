package dev.meshlet.discovery.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.core.protocol.ProxyStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code meshctl proxy-status}: every agent and whether it runs what it was sent. */
@Command(
    name = "proxy-status",
    aliases = "ps",
    mixinStandardHelpOptions = true,
    description = {"Lists every registered agent: versions sent and acknowledged, SYNCED, STALE or NACKED,"
        + " as istioctl proxy-status does."})
final class ProxyStatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT", description = "text or json. Default: ${DEFAULT-VALUE}.")
  Format output;

  @Override
  public Integer call() throws Exception {
    try {
      String body = client.expectOk(client.call("GET", "/v1/status", null));
      PrintWriter out = spec.commandLine().getOut();
      if (output == Format.json) {
        out.println(ProtocolJson.mapper().writerWithDefaultPrettyPrinter()
            .writeValueAsString(ProtocolJson.mapper().readTree(body)));
        return Meshctl.OK;
      }
      List<ProxyStatus> all = ProtocolJson.mapper().readValue(body, new TypeReference<List<ProxyStatus>>() {});
      String[] head = {"NAME", "NAMESPACE", "VERSION SENT", "VERSION ACKED", "STATUS", "CONNECTED SINCE"};
      int[] w = new int[head.length];
      for (int i = 0; i < head.length; i++) {
        w[i] = head[i].length();
      }
      String[][] rows = new String[all.size()][];
      for (int r = 0; r < all.size(); r++) {
        ProxyStatus s = all.get(r);
        rows[r] = new String[] {s.name(), s.namespace(), Long.toString(s.versionSent()), Long.toString(s.versionAcked()),
            s.status().name(), s.connected() && s.connectedSince() != null ? s.connectedSince() : "-"};
        for (int i = 0; i < head.length; i++) {
          w[i] = Math.max(w[i], rows[r][i].length());
        }
      }
      print(out, head, w);
      for (String[] row : rows) {
        print(out, row, w);
      }
      for (ProxyStatus s : all) {
        if (s.lastNack() != null) {
          out.println(s.name() + "." + s.namespace() + ": last NACK: " + s.lastNack());
        }
      }
      return Meshctl.OK;
    } finally {
      client.close();
    }
  }

  private static void print(PrintWriter out, String[] cells, int[] w) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      b.append(cells[i]);
      if (i < cells.length - 1) {
        b.append(" ".repeat(w[i] - cells[i].length() + 3));
      }
    }
    out.println(b);
  }
}
