package dev.meshlet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.agent.config.DiscoveryAck;
import dev.meshlet.agent.config.DiscoverySink;
import dev.meshlet.agent.config.DiscoverySource;
import dev.meshlet.agent.config.DiscoveryUpdate;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.config.source.ConfigLayer;
import dev.meshlet.core.registry.WorkloadInstance;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mesh is ready only with its config in place; calls before that wait a bounded time, then fail clearly. */
class ReadinessTest {
  @TempDir java.nio.file.Path dir;

  static final String GOOD = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews}}]
      """;

  /** A stand-in for the discovery client: hands updates to the sink when the test says so. */
  static final class ManualDiscovery implements DiscoverySource {
    final AtomicReference<DiscoverySink> sink = new AtomicReference<>();
    final AtomicReference<WorkloadInstance> registered = new AtomicReference<>();
    volatile boolean closed;

    @Override
    public void start(WorkloadInstance self, DiscoverySink sink) {
      registered.set(self);
      this.sink.set(sink);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void aCallBeforeTheFirstGoodConfigWaitsThenFailsSayingWhatIsMissing() throws Exception {
    Files.writeString(dir.resolve("bad.yaml"), GOOD.replace("hosts: [reviews]", "hosts: [reviews]\n  bogus: 1"));
    try (Upstream reviews = new Upstream();
        Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage")).configDirectory(dir)
            .endpoint("reviews", "127.0.0.1", reviews.port()).startupWait(Duration.ofMillis(300)).build()) {
      assertThat(mesh.isReady()).isFalse();
      long start = System.nanoTime();

      assertThatThrownBy(() -> mesh.httpClient().newCall(new Request.Builder().url("http://reviews/").build()).execute())
          .isInstanceOf(MeshNotReadyException.class)
          .hasMessageContaining("mesh productpage not ready after 300 ms")
          .hasMessageContaining("config from " + dir)
          .hasMessageContaining("refused");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
      assertThat(reviews.count()).as("nothing went out unconfigured").isZero();

      Files.writeString(dir.resolve("bad.yaml"), GOOD);
      mesh.reloadConfig();
      assertThat(mesh.awaitReady(Duration.ofSeconds(5))).isTrue();
      try (Response r = mesh.httpClient().newCall(new Request.Builder().url("http://reviews/").build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      assertThat(mesh.waitingFor()).isEmpty();
    }
  }

  @Test
  void aCallMadeWhileWaitingGoesOutOnceDiscoveryDelivers() throws Exception {
    ManualDiscovery discovery = new ManualDiscovery();
    try (Upstream reviews = new Upstream();
        Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage").withPort("http", 9080)).discovery(discovery).build()) {
      assertThat(mesh.isReady()).isFalse();
      assertThat(discovery.registered.get().ports()).containsEntry("http", 9080);
      assertThat(mesh.effectiveConfig().waitingFor()).containsExactly("config from discovery");

      Thread deliver = new Thread(() -> {
        sleep(200);
        WorkloadInstance ep = new WorkloadInstance("reviews", "default", "127.0.0.1", Map.of("http", reviews.port()),
            Map.of(), null, null);
        discovery.sink.get().apply(new DiscoveryUpdate("1", resources(GOOD), List.of(ep)));
      });
      deliver.start();
      try (Response r = mesh.httpClient().newCall(new Request.Builder().url("http://reviews/").build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      deliver.join();
      assertThat(mesh.effectiveConfig().resources()).singleElement().satisfies(r -> {
        assertThat(r.layer()).isEqualTo(ConfigLayer.CENTRAL);
        assertThat(r.origin()).isEqualTo("discovery version 1");
      });
    }
    assertThat(discovery.closed).as("close deregisters").isTrue();
  }

  @Test
  void discoveryGetsANackForAnUpdateThatCannotApplyAndTheLastGoodStays() {
    ManualDiscovery discovery = new ManualDiscovery();
    try (Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage")).discovery(discovery).build()) {
      assertThat(discovery.sink.get().apply(new DiscoveryUpdate("1", resources(GOOD), null)))
          .isEqualTo(DiscoveryAck.ack("1"));
      List<Resource<?>> twice = new ArrayList<>(resources(GOOD));
      twice.addAll(resources(GOOD));

      DiscoveryAck nack = discovery.sink.get().apply(new DiscoveryUpdate("2", twice, null));

      assertThat(nack.accepted()).isFalse();
      assertThat(mesh.isReady()).as("ready since version 1").isTrue();
      assertThat(nack.error()).contains("VirtualService").contains("also defined");
      assertThat(mesh.effectiveConfig().rejected()).containsKey("discovery");
      assertThat(mesh.effectiveConfig().resources()).singleElement()
          .satisfies(r -> assertThat(r.origin()).isEqualTo("discovery version 1"));
    }
  }

  @Test
  void aRefusedFirstUpdateKeepsTheMeshUnreadyAndSaysWhy() {
    ManualDiscovery discovery = new ManualDiscovery();
    try (Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage")).discovery(discovery).build()) {
      List<Resource<?>> twice = new ArrayList<>(resources(GOOD));
      twice.addAll(resources(GOOD));

      assertThat(discovery.sink.get().apply(new DiscoveryUpdate("1", twice, null)).accepted()).isFalse();

      assertThat(mesh.isReady()).isFalse();
      assertThat(mesh.waitingFor()).singleElement().asString()
          .startsWith("config from discovery (version 1 refused: ").contains("also defined");
    }
  }

  @Test
  void closingWhileACallWaitsFailsItAtOnce() throws Exception {
    ManualDiscovery discovery = new ManualDiscovery();
    Mesh mesh = Mesh.builder(ServiceIdentity.of("productpage")).discovery(discovery)
        .startupWait(Duration.ofSeconds(30)).build();
    Thread closer = new Thread(() -> {
      sleep(200);
      mesh.close();
    });
    closer.start();
    assertThatThrownBy(() -> mesh.httpClient().newCall(new Request.Builder().url("http://reviews/").build()).execute())
        .isInstanceOf(MeshNotReadyException.class)
        .hasMessageContaining("closed");
    closer.join();
  }

  private static List<Resource<?>> resources(String yaml) {
    return ConfigReader.read("test", yaml).stream().<Resource<?>>map(r -> r.resource()).toList();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
