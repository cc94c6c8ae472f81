package dev.meshlet.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.registry.WorkloadInstance;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolJsonTest {
  @Test
  void aWatchEventIsOneLineAndReadsBackEqual() {
    WatchEvent e = new WatchEvent(WatchEvent.Type.DELTA, 0, List.of(), List.of(new ResourceRef("VirtualService", "default", "a")),
        List.of(new Endpoint("l-1", new WorkloadInstance("reviews", "default", "10.0.0.1", Map.of("http", 9080), Map.of(), null, null))),
        List.of("l-2"));

    String json = ProtocolJson.write(e);

    assertThat(json).doesNotContain("\n").contains("\"version\":0").doesNotContain("\"resources\"").doesNotContain("empty");
    assertThat(ProtocolJson.read(json, WatchEvent.class)).isEqualTo(e);
  }

  @Test
  void aHeartbeatIsShort() {
    assertThat(ProtocolJson.write(WatchEvent.heartbeat(7))).isEqualTo("{\"type\":\"HEARTBEAT\",\"version\":7}");
  }

  @Test
  void registrationDefaultsToTheServiceAccountOfTheServiceInTheDefaultNamespace() {
    Registration r = ProtocolJson.read("{\"service\":\"reviews\",\"address\":\"10.0.0.1\",\"extra\":1}", Registration.class);

    assertThat(r.namespaceOrDefault()).isEqualTo("default");
    assertThat(r.serviceAccountOrDefault()).isEqualTo("reviews");
    assertThat(r.toWorkload().host()).isEqualTo("reviews.default.svc.cluster.local");
  }

  @Test
  void aMessageThatIsNotJsonSaysWhatWasExpected() {
    assertThatThrownBy(() -> ProtocolJson.read("{\"leaseId\":", Ack.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a Ack");
  }

  @Test
  void theReaderHandsOverWholeEventsOnlyAndFailsOnAHalfOne() throws IOException {
    String stream = ProtocolJson.write(WatchEvent.heartbeat(1)) + "\n\n" + ProtocolJson.write(WatchEvent.heartbeat(2)) + "\n{\"type\":\"DEL";
    WatchEventReader reader = new WatchEventReader(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)));

    assertThat(reader.next().version()).isEqualTo(1);
    assertThat(reader.next().version()).isEqualTo(2);
    assertThatThrownBy(reader::next).isInstanceOf(EOFException.class).hasMessageContaining("middle of event 3");
  }

  @Test
  void theReaderSeesACleanEndBetweenEvents() throws IOException {
    WatchEventReader reader = new WatchEventReader(new ByteArrayInputStream(
        (ProtocolJson.write(WatchEvent.heartbeat(1)) + "\n").getBytes(StandardCharsets.UTF_8)));

    assertThat(reader.next()).isNotNull();
    assertThat(reader.next()).isNull();
  }
}
