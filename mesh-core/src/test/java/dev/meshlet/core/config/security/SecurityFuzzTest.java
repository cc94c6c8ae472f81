package dev.meshlet.core.config.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/** Random security documents, built from the kinds' own field names and tricky values, always get a verdict. */
class SecurityFuzzTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> FIELDS = List.of(
      "selector", "matchLabels", "mtls", "mode", "portLevelMtls", "targetRef", "targetRefs", "group", "kind",
      "name", "namespace", "rules", "action", "provider", "from", "to", "when", "source", "operation",
      "principals", "notPrincipals", "requestPrincipals", "notRequestPrincipals", "namespaces", "notNamespaces",
      "serviceAccounts", "notServiceAccounts", "ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks",
      "hosts", "notHosts", "ports", "notPorts", "methods", "notMethods", "paths", "notPaths", "key", "values",
      "notValues", "8080", "0", "-1", "app", "", "*");
  private static final List<String> STRINGS = List.of(
      "", "*", "STRICT", "PERMISSIVE", "DISABLE", "UNSET", "ALLOW", "DENY", "AUDIT", "CUSTOM", "10.0.0.1",
      "10.0.0.0/33", "::1", "1::2::3", "fe80::1%", "80", "65536", "-1", "port", "/a*b", "/{*}/x/*", "/{**}",
      "request.headers[x]", "request.headers[]", "request.auth.claims[iss]", "source.ip", "destination.port",
      "experimental.envoy.filters.a[b]", "ns/sa", "ns/*", "Gateway", "gateway.networking.k8s.io", "Service", "x".repeat(400));

  @Property(tries = 200)
  void aRandomPeerAuthenticationNeverThrowsAndGetsAVerdict(@ForAll("specs") JsonNode spec) {
    assertVerdict("PeerAuthentication", spec);
  }

  @Property(tries = 200)
  void aRandomAuthorizationPolicyNeverThrowsAndGetsAVerdict(@ForAll("specs") JsonNode spec) {
    assertVerdict("AuthorizationPolicy", spec);
  }

  @Property(tries = 300)
  void aMutatedExampleNeverThrowsAndGetsAVerdict(
      @ForAll("examples") JsonNode example,
      @ForAll("mutations") List<Tuple2<Integer, JsonNode>> mutations) {
    JsonNode spec = example.get("spec") == null ? NODES.objectNode() : example.get("spec").deepCopy();
    for (Tuple2<Integer, JsonNode> m : mutations) {
      spec = mutate(spec, m.get1(), m.get2());
    }
    assertVerdict(example.get("kind").asText(), spec);
  }

  /** Replaces the slot numbered {@code target} (in document order) of {@code root} with {@code value}. */
  private static JsonNode mutate(JsonNode root, int target, JsonNode value) {
    List<Runnable> slots = new ArrayList<>();
    slots.add(null); // slot 0 is the root itself
    collect(root, value, slots);
    int i = Math.floorMod(target, slots.size());
    if (i == 0) {
      return value.isObject() ? value : root;
    }
    slots.get(i).run();
    return root;
  }

  private static void collect(JsonNode node, JsonNode value, List<Runnable> slots) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        slots.add(() -> object.set(name, value));
        slots.add(() -> object.remove(name));
        collect(object.get(name), value, slots);
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        int at = i;
        slots.add(() -> array.set(at, value));
        collect(array.get(i), value, slots);
      }
    }
  }

  @Provide
  Arbitrary<JsonNode> examples() {
    List<JsonNode> docs = new ArrayList<>();
    for (String file : List.of("peer-authentication-examples.yaml", "authorization-policy-examples.yaml",
        "authorization-policy-jwt-examples.yaml")) {
      for (ResourceReport r : SecurityExamplesTest.read(file)) {
        docs.add(ConfigReader.toTree(r.resource()));
      }
    }
    return Arbitraries.of(docs);
  }

  @Provide
  Arbitrary<List<Tuple2<Integer, JsonNode>>> mutations() {
    return Combinators.combine(Arbitraries.integers().between(0, 500), node(2)).as(Tuple::of).list().ofMinSize(1).ofMaxSize(3);
  }

  private static void assertVerdict(String kind, JsonNode spec) {
    ObjectNode doc = NODES.objectNode();
    doc.put("apiVersion", "security.istio.io/v1");
    doc.put("kind", kind);
    doc.set("metadata", NODES.objectNode().put("name", "fuzz").put("namespace", "foo"));
    doc.set("spec", spec);

    ResourceReport report = ConfigReader.readDocument("fuzz", 0, doc);

    assertThat(report.valid() || !report.errors().isEmpty()).isTrue();
    if (report.resource() != null) {
      // What was read can be written and read again to the same thing.
      ResourceReport again = ConfigReader.readDocument("again", 0, ConfigReader.toTree(report.resource()));
      assertThat(again.resource()).isEqualTo(report.resource());
    }
  }

  @Provide
  Arbitrary<JsonNode> specs() {
    return objects(3);
  }

  private static Arbitrary<JsonNode> node(int depth) {
    Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
        Arbitraries.of(STRINGS).map(NODES::textNode),
        Arbitraries.integers().between(-2, 70000).map(NODES::numberNode),
        Arbitraries.of(true, false).map(NODES::booleanNode),
        Arbitraries.just(NODES.nullNode()));
    if (depth == 0) {
      return leaf;
    }
    return Arbitraries.frequencyOf(
        Tuple.of(3, leaf),
        Tuple.of(2, arrays(depth - 1)),
        Tuple.of(3, objects(depth - 1)));
  }

  private static Arbitrary<JsonNode> arrays(int depth) {
    return node(depth).list().ofMaxSize(3).map(items -> {
      ArrayNode array = NODES.arrayNode();
      items.forEach(array::add);
      return array;
    });
  }

  private static Arbitrary<JsonNode> objects(int depth) {
    return Arbitraries.maps(Arbitraries.of(FIELDS), node(depth)).ofMaxSize(4).map(SecurityFuzzTest::object);
  }

  private static JsonNode object(Map<String, JsonNode> fields) {
    ObjectNode object = NODES.objectNode();
    fields.forEach(object::set);
    return object;
  }
}
