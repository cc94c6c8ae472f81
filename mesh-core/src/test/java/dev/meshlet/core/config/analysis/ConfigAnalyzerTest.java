package dev.meshlet.core.config.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.Problem;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.Yaml;
import dev.meshlet.core.registry.WorkloadInstance;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigAnalyzerTest {
  private static final ResourceId REVIEWS_VS = new ResourceId(Kind.VIRTUAL_SERVICE, "default", "reviews");
  private static final ResourceId REVIEWS_DR = new ResourceId(Kind.DESTINATION_RULE, "default", "reviews");

  private static final String RULES = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v1}
            weight: 50
          - destination: {host: reviews, subset: v4}
            weight: 50
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        subsets:
        - name: v1
          labels: {version: v1}
        - name: v9
          labels: {version: v9}
      """;

  @Test
  void warnsOfARouteToASubsetNoDestinationRuleDefines() {
    Map<ResourceId, List<Problem>> findings = ConfigAnalyzer.analyze(Yaml.resources(RULES), null);

    assertThat(findings.get(REVIEWS_VS)).singleElement().satisfies(p -> {
      assertThat(p.isError()).isFalse();
      assertThat(p.path()).isEqualTo("spec.http[0].route[1].destination.subset");
      assertThat(p.message()).contains("subset v4 of reviews.default.svc.cluster.local is not defined by any DestinationRule");
    });
    assertThat(findings).doesNotContainKey(REVIEWS_DR);
  }

  @Test
  void withARegistryWarnsOfHostsNothingServesAndSubsetsNoWorkloadCarries() {
    List<WorkloadInstance> registry = List.of(
        new WorkloadInstance("reviews", "default", "127.0.0.1", Map.of("http", 9080), Map.of("version", "v1"), null, null));
    String rules = RULES + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings}
        spec:
          hosts: [ratings]
          http: [{route: [{destination: {host: ratings}}]}]
        """;

    Map<ResourceId, List<Problem>> findings = ConfigAnalyzer.analyze(Yaml.resources(rules), registry);

    assertThat(findings.get(new ResourceId(Kind.VIRTUAL_SERVICE, "default", "ratings"))).singleElement()
        .satisfies(p -> assertThat(p.message()).contains("host ratings.default.svc.cluster.local is served by no known workload"));
    assertThat(findings.get(REVIEWS_DR)).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("spec.subsets[1].labels");
      assertThat(p.message()).contains("subset v9");
    });
  }

  @Test
  void warnsOfTwoVirtualServicesForOneHost() {
    String rules = RULES + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews-again}
        spec:
          hosts: [reviews.default.svc.cluster.local]
          http: [{route: [{destination: {host: reviews, subset: v1}}]}]
        """;

    Map<ResourceId, List<Problem>> findings = ConfigAnalyzer.analyze(Yaml.resources(rules), null);

    assertThat(findings.get(new ResourceId(Kind.VIRTUAL_SERVICE, "default", "reviews-again")))
        .extracting(Problem::message)
        .anySatisfy(m -> assertThat(m).contains("also routed by VirtualService default/reviews"));
    assertThat(findings.get(REVIEWS_VS)).extracting(Problem::message)
        .anySatisfy(m -> assertThat(m).contains("also routed by VirtualService default/reviews-again"));
  }
}
