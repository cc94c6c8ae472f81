package dev.meshlet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.agent.config.EffectiveConfig;
import dev.meshlet.core.annotation.MeshClient;
import dev.meshlet.core.annotation.MeshService;
import dev.meshlet.core.annotation.Timeout;
import dev.meshlet.core.config.source.ConfigLayer;
import dev.meshlet.routing.MeshCallException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file (or central) resource for a host wins over the service's annotations for that host. */
class PrecedenceTest {
  @TempDir java.nio.file.Path dir;

  @MeshService(name = "productpage")
  static final class ProductPage {
    @MeshClient("reviews")
    @Timeout("200ms")
    OkHttpClient reviews;
  }

  @Test
  void aYamlFileHotReloadedInOverridesTheAnnotationForTheSameHostUntilItIsRemoved() throws Exception {
    try (Upstream reviews = new Upstream();
        Mesh mesh = Mesh.builder(ProductPage.class).configDirectory(dir)
            .endpoint("reviews", "127.0.0.1", reviews.port()).build()) {
      reviews.respond(r -> new MockResponse.Builder().headersDelay(600, TimeUnit.MILLISECONDS).body("slow").build());
      OkHttpClient http = mesh.inject(new ProductPage()).reviews;
      Request get = new Request.Builder().url("http://reviews/reviews/1").build();

      assertThatThrownBy(() -> http.newCall(get).execute().close())
          .isInstanceOfSatisfying(MeshCallException.class, e -> assertThat(e.getMessage()).contains("UT"));
      long before = mesh.config().version();

      Files.writeString(dir.resolve("reviews.yaml"), """
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: reviews, namespace: default}
          spec:
            hosts: [reviews.default.svc.cluster.local]
            http:
            - route: [{destination: {host: reviews}}]
              timeout: 5s
          """);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (mesh.config().version() == before && System.nanoTime() < deadline) {
        Thread.sleep(20); // the directory watcher reloads on its own; no reloadConfig() here
      }

      try (Response r = http.newCall(get).execute()) {
        assertThat(r.body().string()).isEqualTo("slow");
      }
      EffectiveConfig effective = mesh.effectiveConfig();
      assertThat(effective.resources()).singleElement().satisfies(r -> {
        assertThat(r.layer()).isEqualTo(ConfigLayer.FILE);
        assertThat(r.origin()).isEqualTo("file " + dir);
      });
      assertThat(effective.overridden()).singleElement().satisfies(o -> {
        assertThat(o.layer()).isEqualTo(ConfigLayer.ANNOTATION);
        assertThat(o.origin()).isEqualTo("annotation on " + ProductPage.class.getName() + ".reviews");
        assertThat(o.by().name()).isEqualTo("reviews");
        assertThat(o.reason()).contains("wins over annotations");
      });

      long withFile = mesh.config().version();
      Files.delete(dir.resolve("reviews.yaml"));
      deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (mesh.config().version() == withFile && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThatThrownBy(() -> http.newCall(get).execute().close())
          .as("with the file gone, the annotation is in force again")
          .isInstanceOfSatisfying(MeshCallException.class, e -> assertThat(e.getMessage()).contains("UT"));
      assertThat(mesh.effectiveConfig().resources()).singleElement()
          .satisfies(r -> assertThat(r.layer()).isEqualTo(ConfigLayer.ANNOTATION));
    }
  }
}
