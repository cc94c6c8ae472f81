package dev.meshlet.core.config.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.ObjectMeta;
import dev.meshlet.core.config.Problem;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.validation.Checks;
import dev.meshlet.core.config.validation.ResourceValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads Istio resources from multi-document YAML (as {@code kubectl apply -f} takes it) or JSON,
 * binds each to its records and validates it. Every document gets a verdict: a document that
 * does not parse, names an unsupported kind or breaks a rule is reported, never skipped.
 */
public final class ConfigReader {
  private static final YAMLMapper YAML = YAMLMapper.builder(new YAMLFactory())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final Set<String> ENVELOPE = Set.of("apiVersion", "kind", "metadata", "spec", "status");

  private ConfigReader() {}

  /** Reads and validates every resource in {@code file}. */
  public static List<ResourceReport> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of(new ResourceReport(file.toString(), 0, null, null, null, null,
          List.of(Problem.error("", "cannot read file: " + e.getMessage()))));
    }
    return read(file.toString(), text);
  }

  /** Reads and validates every resource in {@code text}; {@code source} names it in reports. */
  public static List<ResourceReport> read(String source, String text) {
    List<ResourceReport> reports = new ArrayList<>();
    int index = 0;
    for (Chunk chunk : split(text)) {
      JsonNode root;
      try {
        root = YAML.readTree(chunk.text);
      } catch (JsonProcessingException e) {
        String where = e.getLocation() == null
            ? ""
            : " at line " + (e.getLocation().getLineNr() + chunk.firstLine) + ", column " + e.getLocation().getColumnNr();
        reports.add(new ResourceReport(source, index++, null, null, null, null,
            List.of(Problem.error("", "not valid YAML or JSON" + where + ": " + yamlMessage(e.getOriginalMessage())))));
        continue;
      }
      if (root == null || root.isNull() || root.isMissingNode()) {
        continue; // an empty document, or one holding only comments
      }
      for (JsonNode doc : expand(root)) {
        reports.add(readDocument(source, index++, doc));
      }
    }
    return reports;
  }

  /** A JSON array or a Kubernetes {@code List} holds several resources. */
  private static List<JsonNode> expand(JsonNode root) {
    if (root.isArray()) {
      List<JsonNode> out = new ArrayList<>();
      root.forEach(out::add);
      return out;
    }
    if (root.isObject() && "List".equals(root.path("kind").asText()) && root.path("items").isArray()) {
      List<JsonNode> out = new ArrayList<>();
      root.path("items").forEach(out::add);
      return out;
    }
    return List.of(root);
  }

  /** Binds and validates one document's tree. */
  public static ResourceReport readDocument(String source, int index, JsonNode doc) {
    if (!doc.isObject()) {
      return new ResourceReport(source, index, null, null, null, null,
          List.of(Problem.error("", TreeBinder.describe(doc) + " is not a resource (expected an object with apiVersion, kind, metadata and spec)")));
    }
    List<Problem> problems = new ArrayList<>();
    String kindName = doc.path("kind").isTextual() ? doc.path("kind").textValue() : null;
    String apiVersion = doc.path("apiVersion").isTextual() ? doc.path("apiVersion").textValue() : null;
    ObjectMeta meta = doc.hasNonNull("metadata")
        ? TreeBinder.bind(doc.get("metadata"), ObjectMeta.class, "metadata", problems)
        : null;
    String name = meta == null ? null : meta.name();
    String namespace = meta == null ? null : meta.namespaceOrDefault();

    if (kindName == null) {
      problems.add(Problem.error("kind", "missing (expected one of " + supportedKinds() + ")"));
    }
    if (apiVersion == null) {
      problems.add(Problem.error("apiVersion", "missing"));
    }
    Kind kind = Kind.byName(kindName).orElse(null);
    if (kindName != null && kind == null) {
      problems.add(Problem.error("kind", "\"" + kindName + "\"" + (apiVersion == null ? "" : " (" + apiVersion + ")")
          + " is not supported by Meshlet (supported: " + supportedKinds() + ")"));
    }
    if (kind != null && apiVersion != null && !kind.accepts(apiVersion)) {
      problems.add(Problem.error("apiVersion", "\"" + apiVersion + "\" does not serve " + kind.kindName()
          + " (expected one of " + kind.group().versions().stream().map(v -> kind.group().groupName() + "/" + v).toList() + ")"));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
      String field = it.next().getKey();
      if (!ENVELOPE.contains(field)) {
        problems.add(Problem.error(field, "unknown field (expected apiVersion, kind, metadata, spec)"));
      }
    }
    Checks checks = new Checks();
    if (meta == null) {
      if (!doc.hasNonNull("metadata")) {
        problems.add(Problem.error("metadata", "missing (a resource needs metadata.name)"));
      }
    } else {
      checkMetadata(meta, checks);
    }
    problems.addAll(checks.problems());

    Object spec = null;
    if (kind != null) {
      JsonNode specNode = doc.get("spec");
      if (specNode == null || specNode.isNull()) {
        specNode = YAML.createObjectNode(); // Istio takes a missing spec as an empty one
      }
      spec = TreeBinder.bind(specNode, kind.specType(), "spec", problems);
    }
    Resource<?> resource = null;
    if (kind != null && spec != null && meta != null && apiVersion != null
        && problems.stream().noneMatch(Problem::isError)) {
      resource = new Resource<>(kind, apiVersion, meta, spec);
      problems.addAll(ResourceValidator.validate(resource));
    }
    return new ResourceReport(source, index, kindName, namespace, name, resource, problems);
  }

  private static void checkMetadata(ObjectMeta meta, Checks checks) {
    if (meta.name() == null || meta.name().isEmpty()) {
      checks.error("metadata.name", "missing");
    } else if (!Checks.isDns1123Subdomain(meta.name())) {
      checks.error("metadata.name", "\"" + meta.name()
          + "\" is not a valid name (lowercase alphanumerics, '-' or '.', starting and ending alphanumeric, at most 253)");
    }
    if (meta.namespace() != null && !Checks.isDns1123Label(meta.namespace())) {
      checks.error("metadata.namespace", "\"" + meta.namespace()
          + "\" is not a valid namespace (lowercase alphanumerics or '-', starting and ending alphanumeric, at most 63)");
    }
    checks.labels("metadata.labels", meta.labels());
  }

  private static String supportedKinds() {
    List<String> names = new ArrayList<>();
    for (Kind k : Kind.values()) {
      names.add(k.kindName());
    }
    return String.join(", ", names);
  }

  /** Writes a resource as one YAML document (no leading {@code ---}). */
  public static String toYaml(Resource<?> resource) {
    try {
      return YAML.writeValueAsString(toTree(resource)).replaceFirst("^---\\s*\\n", "");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The resource as the JSON tree Istio's API would show it. */
  public static ObjectNode toTree(Resource<?> resource) {
    ObjectNode node = YAML.createObjectNode();
    node.put("apiVersion", resource.apiVersion());
    node.put("kind", resource.kind().kindName());
    node.set("metadata", TreeWriter.write(resource.metadata()));
    node.set("spec", TreeWriter.write(resource.spec()));
    return node;
  }

  /** One YAML document's text and the line of the stream it starts on. */
  private record Chunk(String text, int firstLine) {}

  /**
   * Splits a stream at {@code ---} document markers so that one broken document costs only
   * itself: the others still get their own verdicts.
   */
  private static List<Chunk> split(String text) {
    List<Chunk> chunks = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    StringBuilder current = new StringBuilder();
    int first = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.startsWith("---") && (line.length() == 3 || Character.isWhitespace(line.charAt(3)))) {
        chunks.add(new Chunk(current.toString(), first));
        current.setLength(0);
        first = i + 1;
        String rest = line.substring(3).trim();
        if (!rest.isEmpty() && !rest.startsWith("#")) {
          current.append(rest).append('\n'); // "--- {json}" on the marker line
        }
        continue;
      }
      if (line.equals("...")) {
        continue; // a YAML document end marker
      }
      current.append(line).append('\n');
    }
    chunks.add(new Chunk(current.toString(), first));
    return chunks;
  }

  /** SnakeYAML's message without its echo of the source lines: "context; problem". */
  private static String yamlMessage(@Nullable String message) {
    if (message == null) {
      return "unreadable";
    }
    List<String> parts = new ArrayList<>();
    for (String line : message.split("\n")) {
      if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
        parts.add(line.trim());
      }
    }
    return parts.isEmpty() ? message.trim() : String.join("; ", parts);
  }
}
