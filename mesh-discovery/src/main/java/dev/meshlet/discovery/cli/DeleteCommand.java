package dev.meshlet.discovery.cli;

import dev.meshlet.core.config.Kind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code meshctl delete KIND NAME}: removes one resource. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes one resource from the server.")
final class DeleteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "KIND")
  String kind;

  @Parameters(index = "1", paramLabel = "NAME")
  String name;

  @Option(names = {"-n", "--namespace"}, defaultValue = "default", paramLabel = "NS", description = "Default: ${DEFAULT-VALUE}.")
  String namespace;

  @Override
  public Integer call() throws Exception {
    Kind k = Kind.byCliName(kind).orElseThrow(() -> new ParameterException(spec.commandLine(), "unknown kind \"" + kind + "\""));
    try {
      String body = client.expectOk(client.call("DELETE", "/v1/config/" + k.kindName() + "/" + namespace + "/" + name, null));
      long version = ApplyCommand.tree(body).path("version").asLong();
      spec.commandLine().getOut().println(k.kindName() + " " + namespace + "/" + name + " deleted (version " + version + ")");
      return Meshctl.OK;
    } finally {
      client.close();
    }
  }
}
