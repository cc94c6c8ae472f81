package dev.meshlet.core.config.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.ResourceReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever arrives, the reader gives a verdict: random documents and mutations of real rules
 * never make the parser, the binder or the validator throw.
 */
class ConfigReaderPropertiesTest {
  /** Field names Istio's resources use, so random trees reach deep into the binder and validators. */
  private static final List<String> KEYS = List.of(
      "hosts", "host", "http", "tcp", "tls", "match", "route", "destination", "subset", "weight", "port",
      "number", "uri", "exact", "prefix", "regex", "headers", "queryParams", "timeout", "retries",
      "attempts", "perTryTimeout", "retryOn", "fault", "delay", "abort", "percentage", "value",
      "fixedDelay", "httpStatus", "mirror", "mirrorPercentage", "rewrite", "redirect", "directResponse",
      "trafficPolicy", "loadBalancer", "simple", "consistentHash", "connectionPool", "outlierDetection",
      "consecutive5xxErrors", "interval", "baseEjectionTime", "maxEjectionPercent", "subsets", "name",
      "labels", "mode", "mtls", "portLevelMtls", "selector", "matchLabels", "rules", "from", "to", "when",
      "source", "operation", "principals", "methods", "paths", "key", "values", "action", "ports",
      "endpoints", "address", "resolution", "location", "egress", "outboundTrafficPolicy", "gateways",
      "sourceLabels", "withoutHeaders", "corsPolicy", "set", "add", "remove", "request", "response");

  @Property(tries = 300)
  void randomDocumentsAlwaysGetAVerdict(@ForAll("documents") String yaml) {
    assertVerdicts(ConfigReader.read("random.yaml", yaml));
  }

  @Property(tries = 300)
  void mutatedRulesAlwaysGetAVerdict(@ForAll("mutatedSamples") String yaml) {
    assertVerdicts(ConfigReader.read("mutated.yaml", yaml));
  }

  private static void assertVerdicts(List<ResourceReport> reports) {
    for (ResourceReport r : reports) {
      assertThat(r.valid() || !r.errors().isEmpty())
          .as("an invalid document names at least one error: %s", r)
          .isTrue();
      assertThat(r.problems()).allSatisfy(p -> assertThat(p.message()).isNotBlank());
    }
  }

  @Provide
  Arbitrary<String> documents() {
    Arbitrary<String> kind = Arbitraries.of(Kind.values()).map(Kind::kindName);
    Arbitrary<String> api = Arbitraries.of(
        "networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3",
        "security.istio.io/v1", "security.istio.io/v1beta1", "v1", "");
    return Combinators.combine(kind, api, tree(3)).as((k, a, spec) ->
        "apiVersion: " + a + "\nkind: " + k + "\nmetadata:\n  name: x\nspec: " + spec + "\n");
  }

  private Arbitrary<String> tree(int depth) {
    Arbitrary<String> scalar = Arbitraries.oneOf(
        Arbitraries.strings().withChars("abc*.^$()[]{}?/:-_ 019").ofMaxLength(12).map(s -> "\"" + s.replace("\"", "") + "\""),
        Arbitraries.integers().between(-70000, 70000).map(String::valueOf),
        Arbitraries.doubles().between(-200, 200).map(String::valueOf),
        Arbitraries.of("true", "false", "null", "1.5s", "500ms", "0s", "-1s", "10", "ROUND_ROBIN", "STRICT",
            "DENY", "[]", "{}", "\"*\"", "\"reviews\"", "\"v1\""));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<String> entry = Combinators.combine(Arbitraries.of(KEYS), tree(depth - 1)).as((k, v) -> k + ": " + v);
    Arbitrary<String> map = entry.list().ofMaxSize(5).map(es -> "{" + String.join(", ", es) + "}");
    Arbitrary<String> list = tree(depth - 1).list().ofMaxSize(4).map(vs -> "[" + String.join(", ", vs) + "]");
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, scalar), net.jqwik.api.Tuple.of(4, map), net.jqwik.api.Tuple.of(2, list));
  }

  @Provide
  Arbitrary<String> mutatedSamples() {
    List<String> seeds = seeds();
    Arbitrary<String> seed = Arbitraries.of(seeds);
    return Combinators.combine(seed, Arbitraries.integers().between(0, 10_000), Arbitraries.integers().between(0, 40),
            Arbitraries.strings().withChars(" :-[]{}\"'#\n\tab1*.").ofMaxLength(6), Arbitraries.integers().between(0, 3))
        .as((text, at, length, insert, how) -> {
          int from = Math.min(at, text.length());
          int to = Math.min(text.length(), from + length);
          return switch (how) {
            case 0 -> text.substring(0, from) + text.substring(to); // cut a stretch
            case 1 -> text.substring(0, from) + insert + text.substring(from); // insert noise
            case 2 -> text.substring(0, from) + text.substring(from, to).toUpperCase() + text.substring(to);
            default -> text.substring(0, from) + text.substring(from, to) + text.substring(from); // repeat a stretch
          };
        });
  }

  /** The bundled sample rules (when present) and a few inline ones. */
  private static List<String> seeds() {
    List<String> seeds = new ArrayList<>(List.of(
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts:
          - reviews
          http:
          - match:
            - headers:
                end-user:
                  exact: jason
            route:
            - destination:
                host: reviews
                subset: v2
          - route:
            - destination:
                host: reviews
                subset: v1
              weight: 100
        """,
        """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata:
          name: allow-get
        spec:
          action: ALLOW
          rules:
          - from:
            - source:
                principals: ["cluster.local/ns/default/sa/productpage"]
            to:
            - operation:
                methods: ["GET"]
        """));
    try {
      Path samples = Path.of(ConfigReaderPropertiesTest.class.getResource("/").toURI()).resolve("bookinfo");
      if (Files.isDirectory(samples)) {
        try (Stream<Path> files = Files.list(samples)) {
          for (Path f : files.sorted().toList()) {
            seeds.add(Files.readString(f));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return seeds;
  }
}
