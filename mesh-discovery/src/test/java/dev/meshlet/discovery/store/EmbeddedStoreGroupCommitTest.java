package dev.meshlet.discovery.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.registry.WorkloadInstance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStoreGroupCommitTest {
  @TempDir Path dir;

  static Change.Register register(int writer, int i) {
    return new Change.Register("l-" + writer + "-" + i, "svc-" + writer + "-" + i,
        new WorkloadInstance("svc" + writer, "default", "10.0." + writer + "." + i, Map.of("http", 8080), Map.of(), null, null), 30);
  }

  @Test
  void concurrentWritersAreAllAcknowledgedWithUniqueVersionsAndAllSurviveAReopen() throws Exception {
    int writers = 16;
    // Enough to cross a compaction, so the snapshot is part of what is checked too.
    int each = EmbeddedStore.COMPACT_EVERY / writers + 20;
    List<List<Long>> versions = new ArrayList<>();
    long forces;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<Long>>> results = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        results.add(pool.submit(() -> {
          start.await();
          List<Long> mine = new ArrayList<>();
          for (int i = 0; i < each; i++) {
            StoreState s = store.commit(register(writer, i));
            // What commit returns holds this writer's change at the version it was given.
            assertThat(s.registrations().get("l-" + writer + "-" + i).modVersion()).isEqualTo(s.version());
            // An acknowledged change is visible to every reader from then on.
            assertThat(store.state().version()).isGreaterThanOrEqualTo(s.version());
            mine.add(s.version());
          }
          return mine;
        }));
      }
      start.countDown();
      for (Future<List<Long>> f : results) {
        versions.add(f.get(60, TimeUnit.SECONDS));
      }
      forces = store.forces();
    } finally {
      pool.shutdownNow();
    }

    int total = writers * each;
    Set<Long> all = new HashSet<>();
    for (List<Long> mine : versions) {
      assertThat(mine).isSorted(); // each writer sees its own versions grow
      all.addAll(mine);
    }
    assertThat(all).hasSize(total);
    assertThat(all).allMatch(v -> v >= 1 && v <= total); // unique, no gaps
    // Writers that queued behind one force shared it.
    assertThat(forces).isLessThan(total);

    try (EmbeddedStore store = EmbeddedStore.open(dir)) {
      StoreState s = store.state();
      assertThat(s.version()).isEqualTo(total);
      assertThat(s.registrations()).hasSize(total);
      for (int w = 0; w < writers; w++) {
        for (int i = 0; i < each; i++) {
          assertThat(s.registrations().get("l-" + w + "-" + i).modVersion()).isEqualTo(versions.get(w).get(i));
        }
      }
    }
  }
}
