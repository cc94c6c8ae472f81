package dev.meshlet.discovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshlet.core.config.codec.ConfigFiles;
import dev.meshlet.core.protocol.ApiError;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.discovery.api.ApplyResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code meshctl apply -f PATH}: sends resources to the server, all of them or none. */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Applies Istio resources to the discovery server as one batch: all of them, or, when any is"
          + " invalid, none, with every error listed.",
      "Exit status: 0 applied, 1 refused or failed, 2 usage error."
    })
final class ApplyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "PATH",
      description = "A file, a directory (its *.yaml, *.yml and *.json files) or - for stdin. Repeatable.")
  List<String> paths;

  @Option(names = {"-R", "--recursive"}, description = "Also read the directories below a directory given with -f.")
  boolean recursive;

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT", description = "text or json. Default: ${DEFAULT-VALUE}.")
  Format output;

  @Override
  public Integer call() throws IOException {
    List<Map<String, String>> files = new ArrayList<>();
    for (String path : paths) {
      files.addAll(read(path));
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ClientOptions.Reply reply = client.call("POST", "/v1/config", Map.of("files", files));
      if (reply.status() == 422) {
        ApiError error = reply.error();
        if (output == Format.json) {
          out.println(reply.body().strip());
        } else {
          error.problems().forEach(p -> out.println(p));
        }
        err.println("meshctl: " + error.error());
        return Meshctl.FAILURE;
      }
      String body = client.expectOk(reply);
      if (output == Format.json) {
        out.println(body.strip());
        return Meshctl.OK;
      }
      ApplyResult result = ProtocolJson.read(body, ApplyResult.class);
      result.warnings().forEach(w -> out.println(w));
      for (ApplyResult.Applied a : result.resources()) {
        out.println(a.kind() + " " + a.namespace() + "/" + a.name() + " " + a.action());
      }
      out.println("version " + result.version());
      return Meshctl.OK;
    } finally {
      client.close();
    }
  }

  private List<Map<String, String>> read(String path) throws IOException {
    if (path.equals("-")) {
      return List.of(Map.of("name", "<stdin>", "content", new String(System.in.readAllBytes(), StandardCharsets.UTF_8)));
    }
    Path p = Path.of(path);
    List<Path> list;
    if (Files.isDirectory(p)) {
      list = ConfigFiles.in(p, recursive);
      if (list.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "no *.yaml, *.yml or *.json file in directory " + path);
      }
    } else if (Files.exists(p)) {
      list = List.of(p);
    } else {
      throw new ParameterException(spec.commandLine(), "no such file or directory: " + path);
    }
    List<Map<String, String>> out = new ArrayList<>();
    for (Path f : list) {
      out.add(Map.of("name", f.toString(), "content", Files.readString(f, StandardCharsets.UTF_8)));
    }
    return out;
  }

  static JsonNode tree(String body) throws IOException {
    return ProtocolJson.mapper().readTree(body);
  }
}
