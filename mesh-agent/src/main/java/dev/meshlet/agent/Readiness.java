package dev.meshlet.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** What a mesh waits for before it is ready (config from each source, the certificate), and the waiting. */
final class Readiness {
  private final Set<String> waiting = new LinkedHashSet<>(); // guarded by this
  private final Map<String, String> problems = new LinkedHashMap<>(); // guarded by this
  private volatile boolean ready = true;
  private volatile boolean closed;

  synchronized void require(String what) {
    waiting.add(what);
    ready = false;
  }

  synchronized void satisfied(String what) {
    waiting.remove(what);
    problems.remove(what);
    ready = waiting.isEmpty();
    notifyAll();
  }

  /** Why {@code what} is not there yet (a refused config, a failed signing), for the error message. */
  synchronized void problem(String what, @Nullable String why) {
    if (why == null) {
      problems.remove(what);
    } else if (waiting.contains(what)) {
      problems.put(what, why);
    }
  }

  boolean isReady() {
    return ready && !closed;
  }

  boolean isClosed() {
    return closed;
  }

  /** Waits until ready, closed or {@code timeout} passed; true when ready. */
  synchronized boolean await(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!ready && !closed) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000), 0);
    }
    return ready && !closed;
  }

  synchronized List<String> waitingFor() {
    List<String> out = new ArrayList<>();
    for (String w : waiting) {
      String why = problems.get(w);
      out.add(why == null ? w : w + " (" + why + ")");
    }
    return out;
  }

  synchronized void close() {
    closed = true;
    notifyAll();
  }
}
