package dev.meshlet.routing.mirror;

import java.io.Closeable;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs mirror calls apart from real ones: a few daemon threads and a short queue. When both are
 * full a copy is dropped and counted, so mirroring can neither delay the caller nor pile up.
 */
public final class MirrorExecutor implements Closeable {
  private final ThreadPoolExecutor executor;
  private final AtomicLong dropped = new AtomicLong();

  public MirrorExecutor(int threads, int queue) {
    if (threads < 1 || queue < 0) {
      throw new IllegalArgumentException("threads: " + threads + ", queue: " + queue + " (expected: >= 1, >= 0)");
    }
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        queue == 0 ? new java.util.concurrent.SynchronousQueue<>() : new ArrayBlockingQueue<>(queue),
        r -> {
          Thread t = new Thread(r, "meshlet-mirror-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        },
        new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
  }

  /** Runs {@code copy} when there is room; false (and counted) when it was dropped. */
  public boolean submit(Runnable copy) {
    try {
      executor.execute(copy);
      return true;
    } catch (RejectedExecutionException e) {
      dropped.incrementAndGet();
      return false;
    }
  }

  /** Copies dropped for want of room (or because the body could not be copied). */
  public long dropped() {
    return dropped.get();
  }

  /** Counts a copy the caller decided not to send. */
  public void drop() {
    dropped.incrementAndGet();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
