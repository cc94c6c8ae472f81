package dev.meshlet.core.config.source;

import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import java.util.List;

/** Hears of config changes: only good snapshots are applied; refusals are told for the record. */
public interface ConfigListener {
  /** A new snapshot, valid as a whole, to apply atomically. */
  void onSnapshot(ConfigSnapshot snapshot);

  /**
   * A change that was refused whole (the reports hold its errors); the last good snapshot stays
   * in force.
   */
  default void onRejected(List<ResourceReport> reports) {}
}
