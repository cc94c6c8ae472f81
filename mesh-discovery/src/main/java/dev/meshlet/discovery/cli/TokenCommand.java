package dev.meshlet.discovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code meshctl token}: bootstrap tokens for workloads. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Bootstrap tokens for workloads.",
    subcommands = TokenCommand.Create.class)
final class TokenCommand {

  /** {@code meshctl token create SA [--namespace NS]}: prints a token bound to that identity. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Creates a bootstrap token bound to one service account in one namespace (admin only)."
          + " A workload registers (and gets its first certificate) with it, as that identity and no other.",
          "The token alone goes to standard output, so: MESHLET_TOKEN=$(meshctl token create reviews --data DIR)"})
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "SERVICE_ACCOUNT")
    String serviceAccount;

    @Option(names = {"-n", "--namespace"}, defaultValue = "default", paramLabel = "NS", description = "Default: ${DEFAULT-VALUE}.")
    String namespace;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT", description = "text (the token alone) or json.")
    Format output;

    @Override
    public Integer call() throws Exception {
      try {
        String body = client.expectOk(client.call("POST", "/v1/tokens",
            Map.of("serviceAccount", serviceAccount, "namespace", namespace)));
        JsonNode reply = ApplyCommand.tree(body);
        if (output == Format.json) {
          spec.commandLine().getOut().println(body.strip());
        } else {
          spec.commandLine().getOut().println(reply.path("token").asText());
          spec.commandLine().getErr().println("token for " + reply.path("principal").asText());
        }
        return Meshctl.OK;
      } finally {
        client.close();
      }
    }
  }
}
