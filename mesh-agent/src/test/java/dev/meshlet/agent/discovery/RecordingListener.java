package dev.meshlet.agent.discovery;

import dev.meshlet.core.config.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The Mesh facade's side as a test sees it: records every view offered, applies each unless
 * told to refuse views that match a rule, and lets a test wait for a view.
 */
final class RecordingListener implements CentralConfigListener {
  private final List<CentralView> offered = new ArrayList<>();
  private @Nullable CentralView current;
  private volatile Predicate<CentralView> refuse = v -> false;

  /** From now on, refuses views that match {@code rule}, as a compile step would. */
  void refuseWhen(Predicate<CentralView> rule) {
    this.refuse = rule;
  }

  @Override
  public synchronized ApplyOutcome onConfig(CentralView view) {
    offered.add(view);
    notifyAll();
    if (refuse.test(view)) {
      return ApplyOutcome.refused("VirtualService default/bad: spec.http[0]: cannot compile (expected: a route this mesh can run)");
    }
    current = view;
    return ApplyOutcome.applied();
  }

  synchronized @Nullable CentralView current() {
    return current;
  }

  synchronized List<CentralView> offered() {
    return List.copyOf(offered);
  }

  /** Waits up to 10 s for the view in force to match {@code condition}. */
  synchronized CentralView await(Predicate<CentralView> condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (current == null || !condition.test(current)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no view matched within 10 s; in force: " + describe(current) + "; offered: "
            + offered.stream().map(RecordingListener::describe).toList());
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return current;
  }

  static boolean has(CentralView view, String kind, String name) {
    return view.resources().stream().anyMatch(r -> r.kind().kindName().equals(kind) && r.name().equals(name));
  }

  static String describe(@Nullable CentralView v) {
    if (v == null) {
      return "none";
    }
    return "v" + v.version() + " " + v.origin() + " " + v.resources().stream().map(Resource::id).toList() + " endpoints="
        + v.endpoints().size();
  }
}
