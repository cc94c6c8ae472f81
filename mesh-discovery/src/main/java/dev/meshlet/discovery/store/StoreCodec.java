package dev.meshlet.discovery.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.protocol.ProtocolJson;
import dev.meshlet.core.protocol.ResourceRef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON of the embedded store's log records and snapshot files. */
final class StoreCodec {
  private static final ObjectMapper JSON = ProtocolJson.mapper();

  private StoreCodec() {}

  static ObjectNode change(long version, Change change) {
    ObjectNode o = JSON.createObjectNode();
    o.put("v", version);
    if (change instanceof Change.ConfigChange c) {
      o.put("type", "config");
      ArrayNode put = o.putArray("put");
      c.put().forEach(r -> put.add(ConfigReader.toTree(r)));
      ArrayNode del = o.putArray("delete");
      c.delete().forEach(id -> del.add(JSON.valueToTree(ResourceRef.of(id))));
    } else if (change instanceof Change.Register r) {
      o.put("type", "register");
      o.set("registration", JSON.valueToTree(r));
    } else if (change instanceof Change.Deregister d) {
      o.put("type", "deregister");
      o.set("deregistration", JSON.valueToTree(d));
    } else if (change instanceof Change.GrantToken g) {
      o.put("type", "token");
      o.set("grant", JSON.valueToTree(g.grant()));
    }
    return o;
  }

  static Change change(JsonNode o) throws IOException {
    String type = o.path("type").asText();
    switch (type) {
      case "config": {
        List<Resource<?>> put = new ArrayList<>();
        for (JsonNode r : o.path("put")) {
          put.add(resource(r));
        }
        List<ResourceId> delete = new ArrayList<>();
        for (JsonNode d : o.path("delete")) {
          delete.add(id(JSON.treeToValue(d, ResourceRef.class)));
        }
        return new Change.ConfigChange(put, delete);
      }
      case "register":
        return JSON.treeToValue(o.path("registration"), Change.Register.class);
      case "deregister":
        return JSON.treeToValue(o.path("deregistration"), Change.Deregister.class);
      case "token":
        return new Change.GrantToken(JSON.treeToValue(o.path("grant"), TokenGrant.class));
      default:
        throw new IOException("unknown change type \"" + type + "\" (expected config, register, deregister or token)");
    }
  }

  static ObjectNode snapshot(StoreState s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("format", 1);
    o.put("version", s.version());
    o.put("compactedVersion", s.compactedVersion());
    ArrayNode cfg = o.putArray("config");
    s.config().values().forEach(sr -> {
      ObjectNode e = cfg.addObject();
      e.put("v", sr.modVersion());
      e.set("resource", ConfigReader.toTree(sr.resource()));
    });
    ArrayNode gone = o.putArray("configTombstones");
    s.configTombstones().forEach((id, v) -> {
      ObjectNode e = JSON.valueToTree(ResourceRef.of(id));
      e.put("v", v);
      gone.add(e);
    });
    o.set("registrations", JSON.valueToTree(s.registrations().values()));
    o.set("endpointTombstones", JSON.valueToTree(s.endpointTombstones()));
    o.set("tokens", JSON.valueToTree(s.tokens().values()));
    return o;
  }

  static StoreState snapshot(JsonNode o) throws IOException {
    if (o.path("format").asInt() != 1) {
      throw new IOException("snapshot format " + o.path("format") + " (expected: 1)");
    }
    TreeMap<ResourceId, StoredResource> cfg = new TreeMap<>();
    for (JsonNode e : o.path("config")) {
      Resource<?> r = resource(e.path("resource"));
      cfg.put(r.id(), new StoredResource(r, e.path("v").asLong()));
    }
    Map<ResourceId, Long> gone = new HashMap<>();
    for (JsonNode e : o.path("configTombstones")) {
      gone.put(id(JSON.treeToValue(e, ResourceRef.class)), e.path("v").asLong());
    }
    Map<String, Registered> regs = new HashMap<>();
    for (JsonNode e : o.path("registrations")) {
      Registered r = JSON.treeToValue(e, Registered.class);
      regs.put(r.leaseId(), r);
    }
    Map<String, Long> regsGone = new HashMap<>();
    o.path("endpointTombstones").fields().forEachRemaining(e -> regsGone.put(e.getKey(), e.getValue().asLong()));
    Map<String, TokenGrant> tokens = new HashMap<>();
    for (JsonNode e : o.path("tokens")) {
      TokenGrant g = JSON.treeToValue(e, TokenGrant.class);
      tokens.put(g.sha256(), g);
    }
    return new StoreState(o.path("version").asLong(), o.path("compactedVersion").asLong(), cfg, gone, regs, regsGone, tokens);
  }

  /**
   * Binds a stored resource. It was valid when it was written; a stricter validator since then
   * may find fault with it, but what was acknowledged stays (so only a resource that no longer
   * binds at all is an error).
   */
  private static Resource<?> resource(JsonNode tree) throws IOException {
    ResourceReport report = ConfigReader.readDocument("store", 0, tree);
    if (report.resource() == null) {
      throw new IOException("stored " + report.subject() + " no longer reads: " + report.errors());
    }
    return report.resource();
  }

  private static ResourceId id(ResourceRef ref) throws IOException {
    return ref.toId().orElseThrow(() -> new IOException("stored reference to unknown kind " + ref.kind()));
  }
}
