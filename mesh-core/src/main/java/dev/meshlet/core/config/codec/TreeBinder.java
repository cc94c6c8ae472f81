package dev.meshlet.core.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.meshlet.core.config.IgnoredFields;
import dev.meshlet.core.config.NonEmptyWhenSet;
import dev.meshlet.core.config.Problem;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds a JSON tree to records whose component names are the document's field names, as
 * Istio's protobuf JSON writes them. It reports every problem it meets, with its field path,
 * instead of stopping at the first: an unknown field (a typo must not pass silently), a value of
 * the wrong type, a duration that does not parse, an enum value that does not exist.
 *
 * <p>Types it binds: String, Boolean, Integer, Long, Double, {@link Duration} (Go syntax),
 * enums (by constant name), {@code List<T>}, {@code Map<String,T>}, {@code Map<Integer,T>},
 * {@link JsonNode} (free-form) and records of these. An absent or null field binds to null, or
 * to an empty list or map. A part that fails to bind is left out (null) so binding goes on. A
 * component marked {@link NonEmptyWhenSet} that the document writes as an empty list or map is
 * reported (the CRD's minItems/minProperties), since the record cannot tell it from an absent one.
 */
public final class TreeBinder {
  private static final Map<Class<?>, RecordShape> SHAPES = new ConcurrentHashMap<>();

  private final List<Problem> problems;

  private TreeBinder(List<Problem> problems) {
    this.problems = problems;
  }

  /**
   * Binds {@code node} to {@code type}, adding problems to {@code problems}. Returns null when
   * the node as a whole cannot bind.
   */
  public static <T> T bind(JsonNode node, Class<T> type, String path, List<Problem> problems) {
    @SuppressWarnings("unchecked")
    T value = (T) new TreeBinder(problems).value(node, type, path);
    return value;
  }

  private Object value(JsonNode node, Type type, String path) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == List.class) {
        return list(node, args[0], path);
      }
      if (raw == Map.class) {
        return map(node, (Class<?>) args[0], args[1], path);
      }
      throw new IllegalStateException("unsupported type " + type + " at " + path);
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) {
      // Kubernetes' schema takes numbers and booleans only where the field says so; a string
      // field holding 80 would have been written "80".
      if (!node.isTextual()) {
        return mismatch(node, "a string", path);
      }
      return node.textValue();
    }
    if (c == Boolean.class) {
      return node.isBoolean() ? node.booleanValue() : mismatch(node, "true or false", path);
    }
    if (c == Integer.class) {
      if (!node.isIntegralNumber() || !node.canConvertToInt()) {
        return mismatch(node, "an integer", path);
      }
      return node.intValue();
    }
    if (c == Long.class) {
      if (!node.isIntegralNumber() || !node.canConvertToLong()) {
        return mismatch(node, "an integer", path);
      }
      return node.longValue();
    }
    if (c == Double.class) {
      return node.isNumber() ? node.doubleValue() : mismatch(node, "a number", path);
    }
    if (c == Duration.class) {
      if (!node.isTextual()) {
        return mismatch(node, "a duration such as 1.5s or 500ms", path);
      }
      return Durations.parse(node.textValue())
          .orElseGet(() -> {
            problems.add(Problem.error(path, "\"" + node.textValue() + "\" is not a duration (expected e.g. 1.5s, 500ms, 1m)"));
            return null;
          });
    }
    if (c == JsonNode.class) {
      return node.deepCopy();
    }
    if (c.isEnum()) {
      return enumValue(node, c, path);
    }
    if (c.isRecord()) {
      return record(node, c, path);
    }
    throw new IllegalStateException("unsupported type " + c + " at " + path);
  }

  private Object enumValue(JsonNode node, Class<?> c, String path) {
    Object[] constants = c.getEnumConstants();
    if (node.isTextual()) {
      for (Object constant : constants) {
        if (((Enum<?>) constant).name().equals(node.textValue())) {
          return constant;
        }
      }
    }
    List<String> names = Arrays.stream(constants).map(e -> ((Enum<?>) e).name()).toList();
    problems.add(Problem.error(path, describe(node) + " is not one of " + String.join(", ", names)));
    return null;
  }

  private List<Object> list(JsonNode node, Type element, String path) {
    if (!node.isArray()) {
      mismatch(node, "a list", path);
      return null;
    }
    List<Object> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      String at = path + "[" + i + "]";
      JsonNode item = node.get(i);
      if (item.isNull()) {
        problems.add(Problem.error(at, "null is not allowed in a list"));
        continue;
      }
      Object v = value(item, element, at);
      if (v != null) {
        out.add(v);
      }
    }
    return List.copyOf(out);
  }

  private Map<Object, Object> map(JsonNode node, Class<?> keyType, Type valueType, String path) {
    if (!node.isObject()) {
      mismatch(node, "a map", path);
      return null;
    }
    Map<Object, Object> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String at = path + "[" + e.getKey() + "]";
      Object key = e.getKey();
      if (keyType == Integer.class) {
        try {
          key = Integer.valueOf(e.getKey());
        } catch (NumberFormatException ex) {
          problems.add(Problem.error(at, "key \"" + e.getKey() + "\" is not a number"));
          continue;
        }
      }
      if (e.getValue().isNull()) {
        problems.add(Problem.error(at, "null is not allowed as a map value"));
        continue;
      }
      Object v = value(e.getValue(), valueType, at);
      if (v != null) {
        out.put(key, v);
      }
    }
    return out;
  }

  private Object record(JsonNode node, Class<?> type, String path) {
    if (!node.isObject()) {
      return mismatch(node, "an object", path);
    }
    RecordShape shape = SHAPES.computeIfAbsent(type, RecordShape::of);
    Object[] args = new Object[shape.components.length];
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Integer index = shape.indexByName.get(e.getKey());
      String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      if (index == null) {
        if (!shape.ignored.contains(e.getKey())) {
          problems.add(Problem.error(at, "unknown field" + shape.suggest(e.getKey())));
        }
        continue;
      }
      Object bound = value(e.getValue(), shape.components[index].getGenericType(), at);
      if (shape.nonEmpty[index] && isEmptyCollection(bound)) {
        problems.add(Problem.error(at, "must not be empty when set (give at least one entry, or leave the field out)"));
      }
      args[index] = bound;
    }
    try {
      return shape.constructor.newInstance(args);
    } catch (InvocationTargetException e) {
      // A record's own check refused the values: report it here rather than crash.
      problems.add(Problem.error(path, String.valueOf(e.getCause().getMessage())));
      return null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getName(), e);
    }
  }

  private static boolean isEmptyCollection(Object value) {
    return (value instanceof List<?> l && l.isEmpty()) || (value instanceof Map<?, ?> m && m.isEmpty());
  }

  private Object mismatch(JsonNode node, String expected, String path) {
    problems.add(Problem.error(path, describe(node) + " is not " + expected));
    return null;
  }

  static String describe(JsonNode node) {
    if (node.getNodeType() == JsonNodeType.OBJECT) {
      return "an object";
    }
    if (node.getNodeType() == JsonNodeType.ARRAY) {
      return "a list";
    }
    if (node.isTextual()) {
      return "\"" + node.textValue() + "\"";
    }
    return node.toString();
  }

  /** What reflection tells once about a record type. */
  private record RecordShape(
      RecordComponent[] components,
      Map<String, Integer> indexByName,
      boolean[] nonEmpty,
      Set<String> ignored,
      Constructor<?> constructor) {

    static RecordShape of(Class<?> type) {
      RecordComponent[] components = type.getRecordComponents();
      Map<String, Integer> index = new LinkedHashMap<>();
      Class<?>[] types = new Class<?>[components.length];
      boolean[] nonEmpty = new boolean[components.length];
      for (int i = 0; i < components.length; i++) {
        index.put(components[i].getName(), i);
        types[i] = components[i].getType();
        nonEmpty[i] = components[i].isAnnotationPresent(NonEmptyWhenSet.class);
      }
      IgnoredFields ignored = type.getAnnotation(IgnoredFields.class);
      try {
        Constructor<?> constructor = type.getDeclaredConstructor(types);
        constructor.setAccessible(true);
        return new RecordShape(
            components,
            Map.copyOf(index),
            nonEmpty,
            ignored == null ? Set.of() : Set.of(ignored.value()),
            constructor);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(type + " has no canonical constructor", e);
      }
    }

    String suggest(String unknown) {
      String best = null;
      int bestDistance = Integer.MAX_VALUE;
      for (String name : indexByName.keySet()) {
        int d = Levenshtein.distance(unknown.toLowerCase(), name.toLowerCase());
        if (d < bestDistance) {
          best = name;
          bestDistance = d;
        }
      }
      if (best != null && bestDistance <= Math.max(2, unknown.length() / 3) && bestDistance < best.length()) {
        return " (did you mean " + best + "?)";
      }
      return indexByName.isEmpty() ? "" : " (expected one of: " + String.join(", ", new TreeSet<>(indexByName.keySet())) + ")";
    }
  }

  static final class Levenshtein {
    private Levenshtein() {}

    static int distance(String a, String b) {
      int[] prev = new int[b.length() + 1];
      int[] cur = new int[b.length() + 1];
      for (int j = 0; j <= b.length(); j++) {
        prev[j] = j;
      }
      for (int i = 1; i <= a.length(); i++) {
        cur[0] = i;
        for (int j = 1; j <= b.length(); j++) {
          int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
          cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
        }
        int[] t = prev;
        prev = cur;
        cur = t;
      }
      return prev[b.length()];
    }
  }
}
