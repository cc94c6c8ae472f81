package dev.meshlet.agent.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.agent.config.EffectiveConfig;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.codec.ConfigReader;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The {@code /config_dump} JSON: the effective config with where each piece came from. */
final class ConfigDump {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ConfigDump() {}

  static ObjectNode json(EffectiveConfig config, boolean ready) {
    ObjectNode root = NODES.objectNode();
    root.put("version", config.version());
    root.put("ready", ready);
    ArrayNode waiting = root.putArray("waitingFor");
    config.waitingFor().forEach(waiting::add);
    ArrayNode resources = root.putArray("resources");
    for (EffectiveConfig.InForce r : config.resources()) {
      ObjectNode node = id(resources.addObject(), r.id());
      node.put("layer", r.layer().name());
      node.put("origin", r.origin());
      node.set("resource", ConfigReader.toTree(r.resource()));
    }
    ArrayNode overridden = root.putArray("overridden");
    for (EffectiveConfig.Overridden o : config.overridden()) {
      ObjectNode node = id(overridden.addObject(), o.id());
      node.put("layer", o.layer().name());
      node.put("origin", o.origin());
      node.put("by", o.by().toString());
      node.put("reason", o.reason());
    }
    ObjectNode rejected = root.putObject("rejected");
    new TreeMap<>(config.rejected()).forEach(rejected::put);
    ObjectNode endpoints = root.putObject("endpoints");
    for (Map.Entry<String, List<String>> e : new TreeMap<>(config.endpoints()).entrySet()) {
      ArrayNode list = endpoints.putArray(e.getKey());
      e.getValue().forEach(list::add);
    }
    return root;
  }

  private static ObjectNode id(ObjectNode node, ResourceId id) {
    node.put("kind", id.kind().kindName());
    node.put("namespace", id.namespace());
    node.put("name", id.name());
    return node;
  }
}
