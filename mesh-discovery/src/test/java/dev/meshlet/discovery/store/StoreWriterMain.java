package dev.meshlet.discovery.store;

import java.nio.file.Path;

/** Writes batches to a store until it is killed: the other side of the kill -9 test. */
public final class StoreWriterMain {
  static final int BATCH = 20;

  public static void main(String[] args) throws Exception {
    try (EmbeddedStore store = EmbeddedStore.open(Path.of(args[0]))) {
      while (true) {
        // Each batch rewrites every resource with its own version as the generation label.
        store.commit(EmbeddedStoreTest.batch((int) store.state().version() + 1, BATCH));
      }
    }
  }
}
