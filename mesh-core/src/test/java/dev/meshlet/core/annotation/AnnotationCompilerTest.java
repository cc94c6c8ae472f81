package dev.meshlet.core.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.MeshletAnnotations;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.Yaml;
import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnotationCompilerTest {
  @SuppressWarnings("unused")
  static final class Clients {
    @MeshClient("reviews")
    @Retry(attempts = 3, perTryTimeout = "500ms", retryOn = "5xx,connect-failure")
    @Timeout("2s")
    @Idempotent(methods = {"post"})
    Object reviews;

    @MeshClient("ratings")
    @CircuitBreaker(maxConnections = 10, maxPendingRequests = 5, consecutive5xxErrors = 3, interval = "1s",
        baseEjectionTime = "30s", maxEjectionPercent = 50)
    @LoadBalancer(hashHeader = "end-user")
    Object ratings;

    @MeshClient("details")
    Object bare;

    @MeshClient("details")
    @Timeout("2 seconds")
    Object badTimeout;

    @MeshClient("details")
    @CircuitBreaker(maxEjectionPercent = 50, interval = "1.5h2")
    Object badInterval;

    @MeshClient("ratings")
    @Timeout("1s")
    Object ratingsAgain;
  }

  private static ClientDeclaration declared(String field) throws NoSuchFieldException {
    Field f = Clients.class.getDeclaredField(field);
    return ClientDeclaration.of(f, Clients.class, "Clients." + field);
  }

  @Test
  void retryTimeoutAndIdempotentCompileToTheVirtualServiceYamlWouldGive() throws Exception {
    List<Resource<?>> resources = AnnotationCompiler.compile("shop", List.of(declared("reviews"), declared("bare")));

    Resource<?> expected = Yaml.resources("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews-meshlet, namespace: shop}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews}}]
            timeout: 2s
            retries: {attempts: 3, perTryTimeout: 500ms, retryOn: "5xx,connect-failure", retryIgnorePreviousHosts: true}
        """).get(0);
    assertThat(resources).singleElement().satisfies(r -> {
      assertThat(r.kind()).isEqualTo(Kind.VIRTUAL_SERVICE);
      assertThat(r.id()).isEqualTo(expected.id());
      assertThat(r.spec()).isEqualTo(expected.spec());
      assertThat(r.metadata().annotations())
          .containsEntry(MeshletAnnotations.IDEMPOTENT_METHODS, "POST")
          .containsEntry(MeshletAnnotations.SOURCE, "annotation on Clients.reviews");
    });
  }

  @Test
  void circuitBreakerAndLoadBalancerCompileToADestinationRule() throws Exception {
    List<Resource<?>> resources = AnnotationCompiler.compile("shop", List.of(declared("ratings")));

    Resource<?> expected = Yaml.resources("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings-meshlet, namespace: shop}
        spec:
          host: ratings
          trafficPolicy:
            loadBalancer: {consistentHash: {httpHeaderName: end-user}}
            connectionPool:
              tcp: {maxConnections: 10}
              http: {http1MaxPendingRequests: 5}
            outlierDetection: {consecutive5xxErrors: 3, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 50}
        """).get(0);
    assertThat(resources).singleElement().satisfies(r -> assertThat(r.spec()).isEqualTo(expected.spec()));
  }

  @Test
  void anInvalidValueNamesTheAnnotationTheElementTheValueAndWhere() {
    assertThatThrownBy(() -> AnnotationCompiler.compile("shop", List.of(declared("badTimeout"))))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessage("@Timeout.value = \"2 seconds\" on Clients.badTimeout: \"2 seconds\" is not a duration (expected e.g. 1.5s, 500ms, 1m)");
    assertThatThrownBy(() -> AnnotationCompiler.compile("shop", List.of(declared("badInterval"))))
        .hasMessageContaining("@CircuitBreaker.interval = \"1.5h2\" on Clients.badInterval");
  }

  @Test
  void oneHostDeclaredTwiceWithOtherPoliciesIsRefused() {
    assertThatThrownBy(() -> AnnotationCompiler.compile("shop", List.of(declared("ratings"), declared("ratingsAgain"))))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("on Clients.ratingsAgain declares other policies than on Clients.ratings");
  }
}
