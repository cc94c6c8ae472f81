package dev.meshlet.discovery.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.core.config.Problem;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigFiles;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.config.validation.ConfigValidation;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code meshctl validate -f PATH}: Istio's verdict on rules, before anything is applied. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Checks Istio resources (VirtualService, DestinationRule, ServiceEntry, WorkloadEntry, Sidecar,"
          + " PeerAuthentication, AuthorizationPolicy) as Istio would, and analyzes them together.",
      "Exit status: 0 all valid (warnings allowed), 1 something invalid, 2 usage error."
    })
final class ValidateCommand implements Callable<Integer> {
  enum Output {
    text,
    json
  }

  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "PATH",
      description = "A file, a directory (its *.yaml, *.yml and *.json files) or - for stdin. Repeatable.")
  List<String> paths;

  @Option(names = {"-R", "--recursive"}, description = "Also read the directories below a directory given with -f.")
  boolean recursive;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "text",
      paramLabel = "FORMAT",
      description = "text (one line per problem) or json (one object per resource). Default: ${DEFAULT-VALUE}.")
  Output output;

  @Override
  public Integer call() throws IOException {
    List<ResourceReport> reports = new ArrayList<>();
    for (String path : paths) {
      reports.addAll(read(path));
    }
    reports = ConfigValidation.analyze(reports);
    PrintWriter out = spec.commandLine().getOut();
    if (output == Output.json) {
      printJson(out, reports);
    } else {
      printText(out, reports);
    }
    return reports.stream().allMatch(ResourceReport::valid) ? Meshctl.OK : Meshctl.FAILURE;
  }

  private List<ResourceReport> read(String path) throws IOException {
    if (path.equals("-")) {
      InputStream in = System.in;
      return ConfigReader.read("<stdin>", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    Path p = Path.of(path);
    if (Files.isDirectory(p)) {
      List<Path> files = ConfigFiles.in(p, recursive);
      if (files.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "no *.yaml, *.yml or *.json file in directory " + path);
      }
      List<ResourceReport> reports = new ArrayList<>();
      files.forEach(f -> reports.addAll(ConfigReader.read(f)));
      return reports;
    }
    if (!Files.exists(p)) {
      throw new ParameterException(spec.commandLine(), "no such file or directory: " + path);
    }
    return ConfigReader.read(p);
  }

  private static void printText(PrintWriter out, List<ResourceReport> reports) {
    int invalid = 0;
    int warnings = 0;
    for (ResourceReport r : reports) {
      r.lines().forEach(out::println);
      invalid += r.valid() ? 0 : 1;
      warnings += r.warnings().size();
    }
    out.printf("%d resource%s checked: %d valid, %d invalid, %d warning%s%n",
        reports.size(), reports.size() == 1 ? "" : "s", reports.size() - invalid, invalid,
        warnings, warnings == 1 ? "" : "s");
  }

  private static void printJson(PrintWriter out, List<ResourceReport> reports) throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ArrayNode array = json.createArrayNode();
    for (ResourceReport r : reports) {
      ObjectNode o = array.addObject();
      o.put("file", r.source());
      o.put("kind", r.kind());
      o.put("namespace", r.namespace());
      o.put("name", r.name());
      o.put("valid", r.valid());
      ArrayNode errors = o.putArray("errors");
      r.errors().stream().map(Problem::toString).forEach(errors::add);
      ArrayNode warns = o.putArray("warnings");
      r.warnings().stream().map(Problem::toString).forEach(warns::add);
    }
    out.println(json.writeValueAsString(array));
  }
}
