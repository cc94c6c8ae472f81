package dev.meshlet.core.config.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.annotation.AnnotationCompiler;
import dev.meshlet.core.annotation.ClientDeclaration;
import dev.meshlet.core.annotation.MeshClient;
import dev.meshlet.core.annotation.Timeout;
import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.Yaml;
import dev.meshlet.core.config.networking.VirtualService;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayeredConfigTest {
  @SuppressWarnings("unused")
  static final class App {
    @MeshClient("reviews")
    @Timeout("1s")
    Object reviews;

    @MeshClient("ratings")
    @Timeout("3s")
    Object ratings;
  }

  private static List<Resource<?>> annotations() throws Exception {
    return AnnotationCompiler.compile("default", List.of(
        ClientDeclaration.of(App.class.getDeclaredField("reviews"), App.class, "App.reviews"),
        ClientDeclaration.of(App.class.getDeclaredField("ratings"), App.class, "App.ratings")));
  }

  private static final String CENTRAL_REVIEWS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews.default.svc.cluster.local]
        http: [{route: [{destination: {host: reviews}}], timeout: 5s}]
      """;

  @Test
  void aCentralResourceForAHostWinsOverTheAnnotationsForThatHost() throws Exception {
    LayeredConfig config = LayeredConfig.empty()
        .with(ConfigLayer.ANNOTATION, annotations(), 1)
        .with(ConfigLayer.CENTRAL, Yaml.resources(CENTRAL_REVIEWS), 2);

    List<Resource<VirtualService>> reviews = config.snapshot().virtualServices("reviews.default.svc.cluster.local");
    assertThat(reviews).singleElement().satisfies(vs -> {
      assertThat(vs.spec().http().get(0).timeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(config.layerOf(vs.id())).isEqualTo(ConfigLayer.CENTRAL);
    });
    assertThat(config.snapshot().virtualServices("ratings.default.svc.cluster.local")).singleElement()
        .satisfies(vs -> assertThat(config.layerOf(vs.id())).isEqualTo(ConfigLayer.ANNOTATION));
    assertThat(config.overridden()).singleElement().satisfies(o -> {
      assertThat(o.resource().id()).isEqualTo(new ResourceId(Kind.VIRTUAL_SERVICE, "default", "reviews-meshlet"));
      assertThat(o.by()).isEqualTo(new ResourceId(Kind.VIRTUAL_SERVICE, "default", "reviews"));
    });
    assertThat(config.snapshot().version()).isEqualTo(2);
  }

  @Test
  void theAnnotationsComeBackWhenTheCentralResourceGoes() throws Exception {
    LayeredConfig config = LayeredConfig.empty()
        .with(ConfigLayer.ANNOTATION, annotations(), 1)
        .with(ConfigLayer.FILE, Yaml.resources(CENTRAL_REVIEWS), 2)
        .with(ConfigLayer.FILE, List.of(), 3);

    assertThat(config.snapshot().virtualServices("reviews.default.svc.cluster.local")).singleElement()
        .satisfies(vs -> assertThat(vs.spec().http().get(0).timeout()).isEqualTo(Duration.ofSeconds(1)));
    assertThat(config.overridden()).isEmpty();
    assertThat(config.entries()).extracting(LayeredConfig.Entry::layer).containsOnly(ConfigLayer.ANNOTATION);
  }
}
