package dev.meshlet.discovery.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.ObjectMeta;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.networking.DestinationRule;
import dev.meshlet.core.registry.WorkloadInstance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStoreTest {
  @TempDir Path dir;

  /** A DestinationRule whose label says which write made it, so a mix of two writes shows. */
  static Resource<?> rule(String name, int generation) {
    DestinationRule spec = new DestinationRule(name, null, List.of(), List.of(), null);
    return Resource.of(Kind.DESTINATION_RULE,
        new ObjectMeta(name, "default", Map.of("generation", Integer.toString(generation)), Map.of()), spec);
  }

  static Change batch(int generation, int size) {
    List<Resource<?>> put = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      put.add(rule("r" + i, generation));
    }
    return new Change.ConfigChange(put, List.of());
  }

  @Test
  void everyCommittedChangeIsThereAfterReopening() throws Exception {
    StoreState before;
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.commit(batch(1, 3));
      store.commit(new Change.ConfigChange(List.of(), List.of(new ResourceId(Kind.DESTINATION_RULE, "default", "r1"))));
      store.commit(new Change.Register("l-1", "reviews-1",
          new WorkloadInstance("reviews", "default", "10.0.0.1", Map.of("http", 9080), Map.of("version", "v1"), null, "eu/west"), 30));
      store.commit(new Change.GrantToken(new TokenGrant("abc", "reviews", "default", "2026-01-01T00:00:00Z")));
      before = store.state();
    }

    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      assertThat(store.state()).isEqualTo(before);
      assertThat(store.state().version()).isEqualTo(4);
      assertThat(store.state().config().keySet()).extracting(ResourceId::name).containsExactly("r0", "r2");
      assertThat(store.state().configTombstones()).containsKey(new ResourceId(Kind.DESTINATION_RULE, "default", "r1"));
      assertThat(store.state().registrations().get("l-1").workload().locality()).isEqualTo("eu/west");
    }
  }

  @Test
  void aTornLastRecordIsCutOffAndTheStoreHasTheStateBeforeIt() throws Exception {
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.commit(batch(1, 3));
    }
    Path log = dir.resolve(EmbeddedStore.LOG);
    String whole = EmbeddedStore.line(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).substring(9).trim()
        .replace("\"v\":1", "\"v\":2").replace("\"1\"", "\"2\""));
    // What a kill -9 in the middle of the second write leaves: half a line, no newline.
    Files.write(log, whole.substring(0, whole.length() / 2).getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      assertThat(store.state().version()).isEqualTo(1);
      assertThat(store.state().resources()).allSatisfy(r -> assertThat(r.metadata().labels()).containsEntry("generation", "1"));
      store.commit(batch(3, 3));
    }
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      assertThat(store.state().version()).as("writes after the repair land cleanly").isEqualTo(2);
      assertThat(store.state().resources()).allSatisfy(r -> assertThat(r.metadata().labels()).containsEntry("generation", "3"));
    }
  }

  @Test
  void aWholeLastLineWithABadChecksumIsTornToo() throws Exception {
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.commit(batch(1, 2));
      store.commit(batch(2, 2));
    }
    Path log = dir.resolve(EmbeddedStore.LOG);
    byte[] bytes = Files.readAllBytes(log);
    bytes[bytes.length - 5] ^= 0x01; // a flipped bit in the last record's JSON
    Files.write(log, bytes);

    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      assertThat(store.state().version()).isEqualTo(1);
    }
  }

  @Test
  void aDamagedRecordWithGoodOnesAfterItRefusesToOpenAndSaysWhere() throws Exception {
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.commit(batch(1, 2));
      store.commit(batch(2, 2));
      store.commit(batch(3, 2));
    }
    Path log = dir.resolve(EmbeddedStore.LOG);
    byte[] bytes = Files.readAllBytes(log);
    int firstNewline = new String(bytes, StandardCharsets.UTF_8).indexOf('\n');
    bytes[firstNewline + 20] ^= 0x01;
    Files.write(log, bytes);

    assertThatThrownBy(() -> EmbeddedStore.open(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("damaged")
        .hasMessageContaining("more records follow");
  }

  @Test
  void aSnapshotTakesOverFromTheLogAndACrashBetweenTheTwoLosesNothing() throws Exception {
    byte[] oldLog;
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      store.commit(batch(1, 2));
      store.commit(batch(2, 2));
      oldLog = Files.readAllBytes(dir.resolve(EmbeddedStore.LOG));
      store.compact();
      assertThat(Files.size(dir.resolve(EmbeddedStore.LOG))).isZero();
      store.commit(batch(3, 2));
    }
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      assertThat(store.state().version()).isEqualTo(3);
    }

    // A crash after the snapshot's rename and before the log was emptied: old records come back.
    byte[] newer = Files.readAllBytes(dir.resolve(EmbeddedStore.LOG));
    byte[] both = new byte[oldLog.length + newer.length];
    System.arraycopy(oldLog, 0, both, 0, oldLog.length);
    System.arraycopy(newer, 0, both, oldLog.length, newer.length);
    Files.write(dir.resolve(EmbeddedStore.LOG), both);
    Files.writeString(dir.resolve(EmbeddedStore.SNAPSHOT + ".tmp"), "{half a snapsh");

    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      assertThat(store.state().version()).isEqualTo(3);
      assertThat(store.state().resources()).allSatisfy(r -> assertThat(r.metadata().labels()).containsEntry("generation", "3"));
      assertThat(dir.resolve(EmbeddedStore.SNAPSHOT + ".tmp")).doesNotExist();
    }
  }

  @Test
  void aKillDashNineInTheMiddleOfWritingLeavesTheOldOrTheNewBatchNeverAMix() throws Exception {
    // A real process writing batches as fast as it can, killed without warning.
    Process writer = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        StoreWriterMain.class.getName(), dir.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolveSibling(dir.getFileName() + "-writer.log").toFile())
        .start();
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (logBytes() < 100_000 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(writer.isAlive()).as("the writer is still writing").isTrue();
    } finally {
      writer.destroyForcibly(); // SIGKILL
      writer.waitFor();
    }

    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      StoreState s = store.state();
      assertThat(s.version()).isGreaterThanOrEqualTo(10);
      assertThat(s.resources()).hasSize(StoreWriterMain.BATCH);
      assertThat(s.resources()).extracting(r -> r.metadata().labels().get("generation")).as("one batch, whole")
          .containsOnly(Long.toString(s.version()));
    }
  }

  private long logBytes() throws IOException {
    Path log = dir.resolve(EmbeddedStore.LOG);
    return Files.exists(log) ? Files.size(log) : 0;
  }
}
