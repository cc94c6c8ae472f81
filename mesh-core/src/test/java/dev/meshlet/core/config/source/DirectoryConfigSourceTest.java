package dev.meshlet.core.config.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryConfigSourceTest {
  private static final String REVIEWS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v1}
      """;
  private static final String RATINGS = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: ratings
      spec:
        host: ratings
        subsets:
        - name: v1
          labels: {version: v1}
      """;
  private static final String RATINGS_TYPO = RATINGS.replace("subsets:", "subsetz:");

  @TempDir Path dir;
  private final BlockingQueue<ConfigSnapshot> applied = new LinkedBlockingQueue<>();
  private final BlockingQueue<List<ResourceReport>> refused = new LinkedBlockingQueue<>();
  private DirectoryConfigSource source;

  private ConfigSnapshot start() {
    source = DirectoryConfigSource.of(dir, false, Duration.ofMillis(20)).addListener(new ConfigListener() {
      @Override
      public void onSnapshot(ConfigSnapshot snapshot) {
        applied.add(snapshot);
      }

      @Override
      public void onRejected(List<ResourceReport> reports) {
        refused.add(reports);
      }
    });
    return source.start();
  }

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
  }

  private static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
    T value = queue.poll(10, TimeUnit.SECONDS);
    assertThat(value).as("an event within 10 s").isNotNull();
    return value;
  }

  @Test
  void loadsTheDirectoryAtStart() throws Exception {
    Files.writeString(dir.resolve("reviews.yaml"), REVIEWS);
    Files.writeString(dir.resolve("ratings.yml"), RATINGS);
    Files.writeString(dir.resolve("notes.txt"), "not config");

    ConfigSnapshot snapshot = start();

    assertThat(snapshot.version()).isEqualTo(1);
    assertThat(snapshot.resources()).extracting(Resource::id).containsExactly(
        new ResourceId(Kind.VIRTUAL_SERVICE, "default", "reviews"),
        new ResourceId(Kind.DESTINATION_RULE, "default", "ratings"));
    assertThat(next(applied)).isSameAs(snapshot);
  }

  @Test
  void aBadFileIsRefusedWholeAndTheLastGoodSnapshotStaysInForce() throws Exception {
    Files.writeString(dir.resolve("reviews.yaml"), REVIEWS);
    ConfigSnapshot good = start();
    next(applied);

    Files.writeString(dir.resolve("ratings.yaml"), RATINGS_TYPO);

    List<ResourceReport> reports = next(refused);
    assertThat(reports).singleElement().satisfies(r -> {
      assertThat(r.source()).endsWith("ratings.yaml");
      assertThat(r.errors()).extracting(Object::toString).contains("spec.subsetz: unknown field (did you mean subsets?)");
    });
    assertThat(source.current()).isSameAs(good);
    assertThat(source.lastRejection()).isEqualTo(reports);
    assertThat(applied).isEmpty();
  }

  @Test
  void fixingTheFileAppliesIt() throws Exception {
    Files.writeString(dir.resolve("reviews.yaml"), REVIEWS);
    Files.writeString(dir.resolve("ratings.yaml"), RATINGS_TYPO);
    ConfigSnapshot first = start();
    assertThat(first.version()).isZero();
    assertThat(source.lastRejection()).hasSize(1);

    Files.writeString(dir.resolve("ratings.yaml"), RATINGS);

    ConfigSnapshot fixed = next(applied);
    assertThat(fixed.version()).isEqualTo(1);
    assertThat(fixed.size()).isEqualTo(2);
    assertThat(source.lastRejection()).isEmpty();
  }

  @Test
  void deletingAFileRemovesItsResources() throws Exception {
    Files.writeString(dir.resolve("reviews.yaml"), REVIEWS);
    Files.writeString(dir.resolve("ratings.yaml"), RATINGS);
    start();
    next(applied);

    Files.delete(dir.resolve("ratings.yaml"));

    ConfigSnapshot after = next(applied);
    assertThat(after.version()).isEqualTo(2);
    assertThat(after.resources()).extracting(r -> r.id().name()).containsExactly("reviews");
  }

  @Test
  void theSameResourceInTwoFilesIsRefused() throws Exception {
    Files.writeString(dir.resolve("a.yaml"), REVIEWS);
    Files.writeString(dir.resolve("b.yaml"), REVIEWS);

    ConfigSnapshot snapshot = start();

    assertThat(snapshot.size()).isZero();
    assertThat(source.lastRejection()).singleElement()
        .satisfies(r -> assertThat(r.errors().toString()).contains("VirtualService default/reviews is also defined in").contains("a.yaml"));
  }
}
