package dev.meshlet.agent.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.ObjectMeta;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.config.source.ConfigBatch;
import dev.meshlet.core.protocol.Endpoint;
import dev.meshlet.core.protocol.ResourceRef;
import dev.meshlet.core.protocol.WatchEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The agent's copy of what the server sent (every event folded in, applied or not) and the
 * verdict on it. Keeping the server's view apart from the view in force is what lets a NACKed
 * change be fixed by a later one: each event is judged against the whole of what the server
 * holds, as xDS's state of the world is, and once that whole is good it is applied whole.
 *
 * <p>Used by one thread at a time (the agent's watch thread, or start before that thread runs).
 */
final class CentralState {
  /** The server's view after one more event, and what the agent's validation says of it. */
  record Judged(long version, List<ObjectNode> trees, List<Endpoint> endpoints, ConfigBatch batch) {
    boolean valid() {
      return batch.valid();
    }

    /** Every error of the batch, one line each, as local files report them. */
    String errors() {
      return batch.invalid().stream().flatMap(r -> r.lines().stream()).collect(Collectors.joining("; "));
    }
  }

  private final Map<ResourceRef, ObjectNode> trees = new LinkedHashMap<>();
  private final Map<ResourceRef, ResourceReport> reports = new LinkedHashMap<>();
  private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
  private volatile long version; // read by status() from other threads
  private @Nullable ConfigBatch batch;

  long version() {
    return version;
  }

  /**
   * Folds {@code event} (a FULL or a DELTA) into the server's view and judges the whole: each
   * changed resource is read and validated as a document of a file, then all of them as one batch.
   */
  Judged receive(WatchEvent event, String source) {
    boolean resourcesChanged = event.type() == WatchEvent.Type.FULL || !event.resources().isEmpty()
        || !event.removedResources().isEmpty();
    if (event.type() == WatchEvent.Type.FULL) {
      trees.clear();
      reports.clear();
      endpoints.clear();
    }
    for (ResourceRef removed : event.removedResources()) {
      ResourceRef key = normalize(removed);
      trees.remove(key);
      reports.remove(key);
    }
    int index = 0;
    for (ObjectNode tree : event.resources()) {
      ResourceRef key = keyOf(tree);
      trees.put(key, tree);
      reports.put(key, ConfigReader.readDocument(source + "@" + event.version(), index++, tree));
    }
    for (String removed : event.removedEndpoints()) {
      endpoints.remove(removed);
    }
    for (Endpoint e : event.endpoints()) {
      endpoints.put(e.id(), e);
    }
    version = event.version();
    if (resourcesChanged || batch == null) {
      batch = ConfigBatch.of(new ArrayList<>(reports.values()));
    }
    return new Judged(version, List.copyOf(trees.values()), List.copyOf(endpoints.values()), batch);
  }

  /** Judges a view read from the disk cache, which replaces nothing the agent holds. */
  static Judged judge(long version, List<ObjectNode> trees, List<Endpoint> endpoints, String source) {
    List<ResourceReport> reports = new ArrayList<>(trees.size());
    for (int i = 0; i < trees.size(); i++) {
      reports.add(ConfigReader.readDocument(source, i, trees.get(i)));
    }
    return new Judged(version, List.copyOf(trees), List.copyOf(endpoints), ConfigBatch.of(reports));
  }

  /** The key of a resource as the server names it in removals. */
  static ResourceRef keyOf(JsonNode tree) {
    JsonNode meta = tree.path("metadata");
    String ns = meta.path("namespace").asText("");
    return normalize(new ResourceRef(tree.path("kind").asText(""), ns.isEmpty() ? ObjectMeta.DEFAULT_NAMESPACE : ns,
        meta.path("name").asText("")));
  }

  private static ResourceRef normalize(ResourceRef ref) {
    String kind = Kind.byName(ref.kind()).map(Kind::kindName).orElse(ref.kind());
    return kind.equals(ref.kind()) ? ref : new ResourceRef(kind, ref.namespace(), ref.name());
  }
}
