package dev.meshlet.core.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes records back to the JSON tree {@link TreeBinder} reads, leaving out absent fields
 * (null, empty list, empty map), so a document read and written again says the same thing.
 */
public final class TreeWriter {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private TreeWriter() {}

  public static JsonNode write(Object value) {
    JsonNode node = node(value);
    return node == null ? NODES.objectNode() : node;
  }

  private static @Nullable JsonNode node(@Nullable Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return NODES.textNode(s);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (value instanceof Double d) {
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? NODES.numberNode(d.longValue()) : NODES.numberNode(d);
    }
    if (value instanceof Duration d) {
      return NODES.textNode(Durations.format(d));
    }
    if (value instanceof Enum<?> e) {
      return NODES.textNode(e.name());
    }
    if (value instanceof JsonNode n) {
      return n.deepCopy();
    }
    if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        return null;
      }
      ArrayNode array = NODES.arrayNode();
      list.forEach(v -> array.add(node(v)));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        return null;
      }
      ObjectNode object = NODES.objectNode();
      map.forEach((k, v) -> object.set(String.valueOf(k), node(v)));
      return object;
    }
    if (value.getClass().isRecord()) {
      ObjectNode object = NODES.objectNode();
      for (RecordComponent c : value.getClass().getRecordComponents()) {
        try {
          JsonNode child = node(c.getAccessor().invoke(value));
          if (child != null) {
            object.set(c.getName(), child);
          }
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + c, e);
        }
      }
      return object;
    }
    throw new IllegalArgumentException("cannot write " + value.getClass());
  }
}
