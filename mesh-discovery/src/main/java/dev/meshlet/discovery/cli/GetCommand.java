package dev.meshlet.discovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.meshlet.core.config.Kind;
import dev.meshlet.core.protocol.ProtocolJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code meshctl get KIND [NAME]}: reads resources from the server. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {"Lists resources of one kind (VirtualService, vs, destinationrules, ...) or shows one by name."})
final class GetCommand implements Callable<Integer> {
  enum Output {
    table,
    yaml,
    json
  }

  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "KIND", description = "A kind, its plural or Istio's short name.")
  String kind;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME")
  @Nullable String name;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Only this namespace (default with a NAME: default).")
  @Nullable String namespace;

  @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT", description = "table, yaml or json. Default: ${DEFAULT-VALUE}.")
  Output output;

  @Override
  public Integer call() throws IOException {
    Kind k = Kind.byCliName(kind).orElseThrow(() -> new ParameterException(spec.commandLine(),
        "unknown kind \"" + kind + "\" (expected VirtualService, DestinationRule, ServiceEntry, WorkloadEntry,"
            + " Sidecar, PeerAuthentication, AuthorizationPolicy or a short name such as vs)"));
    String path = "/v1/config/" + k.kindName();
    if (name != null) {
      path += "/" + (namespace == null ? "default" : namespace) + "/" + name;
    } else if (namespace != null) {
      path += "/" + namespace;
    }
    PrintWriter out = spec.commandLine().getOut();
    try {
      JsonNode reply = ProtocolJson.mapper().readTree(client.expectOk(client.call("GET", path, null)));
      JsonNode items = reply.path("items");
      switch (output) {
        case json -> out.println(ProtocolJson.mapper().writerWithDefaultPrettyPrinter()
            .writeValueAsString(name != null && items.size() == 1 ? items.get(0) : items));
        case yaml -> {
          YAMLMapper yaml = YAMLMapper.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build();
          boolean firstDoc = true;
          for (JsonNode item : items) {
            if (!firstDoc) {
              out.println("---");
            }
            out.print(yaml.writeValueAsString(item));
            firstDoc = false;
          }
        }
        case table -> {
          if (items.isEmpty()) {
            spec.commandLine().getErr().println("No " + k.kindName() + " found" + (namespace == null ? "." : " in namespace " + namespace + "."));
            return Meshctl.OK;
          }
          int w = 9;
          for (JsonNode item : items) {
            w = Math.max(w, item.path("metadata").path("namespace").asText("default").length());
          }
          out.printf("%-" + (w + 3) + "s%s%n", "NAMESPACE", "NAME");
          for (JsonNode item : items) {
            out.printf("%-" + (w + 3) + "s%s%n", item.path("metadata").path("namespace").asText("default"),
                item.path("metadata").path("name").asText());
          }
        }
      }
      return Meshctl.OK;
    } finally {
      client.close();
    }
  }
}
