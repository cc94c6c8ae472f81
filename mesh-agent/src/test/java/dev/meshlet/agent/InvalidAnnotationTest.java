package dev.meshlet.agent;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.annotation.InvalidAnnotationException;
import dev.meshlet.core.annotation.MeshClient;
import dev.meshlet.core.annotation.MeshService;
import dev.meshlet.core.annotation.Port;
import dev.meshlet.core.annotation.Retry;
import dev.meshlet.core.annotation.Timeout;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** A bad annotation value fails start with the annotation, the element, the value and where. */
class InvalidAnnotationTest {
  @MeshService(name = "productpage")
  static final class BadTimeout {
    @MeshClient("reviews")
    @Timeout("soon")
    OkHttpClient reviews;
  }

  @MeshService(name = "productpage")
  static final class BadRetry {
    @MeshClient("ratings")
    @Retry(attempts = -1)
    OkHttpClient ratings;
  }

  @MeshService(name = "productpage", ports = @Port(number = 70000))
  static final class BadPort {}

  static final class NotAService {}

  @Test
  void anInvalidTimeoutFailsStartNamingTheAnnotationElementValueAndField() {
    assertThatThrownBy(() -> Mesh.fromAnnotations(BadTimeout.class))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("@Timeout.value = \"soon\"")
        .hasMessageContaining(BadTimeout.class.getName() + ".reviews");
  }

  @Test
  void anInvalidRetryFailsStart() {
    assertThatThrownBy(() -> Mesh.fromAnnotations(BadRetry.class))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("@Retry.attempts = -1")
        .hasMessageContaining(BadRetry.class.getName() + ".ratings");
  }

  @Test
  void anInvalidPortFailsStart() {
    assertThatThrownBy(() -> Mesh.fromAnnotations(BadPort.class))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("@Port.number = 70000")
        .hasMessageContaining("expected 1..65535");
  }

  @Test
  void aClassWithoutMeshServiceSaysWhatIsMissing() {
    assertThatThrownBy(() -> Mesh.fromAnnotations(NotAService.class))
        .hasMessageContaining("@MeshService is missing on " + NotAService.class.getName());
  }

  @Test
  void anInvalidAnnotationOnAClientInjectedLaterFailsTheInjection() {
    try (Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage")).build()) {
      assertThatThrownBy(() -> mesh.inject(new BadTimeout()))
          .isInstanceOf(InvalidAnnotationException.class)
          .hasMessageContaining("@Timeout.value = \"soon\"");
    }
  }
}
