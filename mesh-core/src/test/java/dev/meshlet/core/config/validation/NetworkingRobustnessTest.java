package dev.meshlet.core.config.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Mutated networking resources (fields removed, replaced by values of the wrong type, out of
 * range, empty, wildcards, bad regexes and durations) never make the reader or the validators
 * throw: every document gets a verdict.
 */
class NetworkingRobustnessTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final List<JsonNode> SEEDS = seeds();

  private static List<JsonNode> seeds() {
    List<JsonNode> out = new ArrayList<>();
    ValidNetworkingResourcesTest.cases().forEach(a -> {
      Object[] args = a.get();
      try {
        out.add(YAML.readTree(Docs.doc((String) args[1], (String) args[2])));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    return List.copyOf(out);
  }

  private static JsonNode randomValue(Random r) {
    return switch (r.nextInt(22)) {
      case 0 -> F.nullNode();
      case 1 -> F.textNode("");
      case 2 -> F.textNode("*");
      case 3 -> F.numberNode(-1);
      case 4 -> F.numberNode(0);
      case 5 -> F.numberNode(70000);
      case 6 -> F.numberNode(2147483648L);
      case 7 -> F.numberNode(1.5);
      case 8 -> F.booleanNode(true);
      case 9 -> F.textNode("x y");
      case 10 -> F.textNode("0s");
      case 11 -> F.textNode("1.0005s");
      case 12 -> F.textNode("(?=a)");
      case 13 -> F.objectNode();
      case 14 -> F.arrayNode();
      case 15 -> F.objectNode().put("exact", "");
      case 16 -> F.arrayNode().add("*");
      case 17 -> F.textNode("unix://");
      case 18 -> F.textNode("%");
      case 19 -> F.objectNode().set("number", F.numberNode(0));
      case 20 -> F.arrayNode().add(F.objectNode());
      default -> F.textNode("::1");
    };
  }

  private static void containers(JsonNode node, List<JsonNode> out) {
    if (node.isContainerNode()) {
      out.add(node);
      node.forEach(child -> containers(child, out));
    }
  }

  private static void mutate(JsonNode root, Random r) {
    List<JsonNode> all = new ArrayList<>();
    containers(root.path("spec"), all);
    if (all.isEmpty()) {
      return;
    }
    JsonNode target = all.get(r.nextInt(all.size()));
    if (target instanceof ObjectNode o && o.size() > 0) {
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      String name = names.get(r.nextInt(names.size()));
      if (r.nextInt(4) == 0) {
        o.remove(name);
      } else {
        o.set(name, randomValue(r));
      }
    } else if (target instanceof ArrayNode a && a.size() > 0) {
      int i = r.nextInt(a.size());
      switch (r.nextInt(3)) {
        case 0 -> a.set(i, randomValue(r));
        case 1 -> a.add(a.get(i).deepCopy());
        default -> a.remove(i);
      }
    } else if (target instanceof ObjectNode o) {
      o.set("unknownField", randomValue(r));
    }
  }

  @Property(tries = 1000)
  void mutatedResourcesAlwaysGetAVerdict(@ForAll long seed) {
    Random r = new Random(seed);
    JsonNode doc = SEEDS.get(r.nextInt(SEEDS.size())).deepCopy();
    int mutations = 1 + r.nextInt(4);
    for (int i = 0; i < mutations; i++) {
      mutate(doc, r);
    }

    ResourceReport report = ConfigReader.readDocument("fuzz", 0, doc);

    assertThat(report).isNotNull();
    assertThat(report.valid() || !report.errors().isEmpty()).isTrue();
    if (report.resource() != null) {
      // A resource that read keeps what it read through a write and a second read.
      ResourceReport again = ConfigReader.readDocument("fuzz", 0, ConfigReader.toTree(report.resource()));
      assertThat(again.resource()).isEqualTo(report.resource());
    }
  }
}
