package dev.meshlet.benchmarks.load;

import java.util.concurrent.locks.LockSupport;

/** The load generator's time source: a monotonic clock and a way to wait for a point on it. */
public interface Ticker {
  /** The system's monotonic clock; waits park the thread (no spinning on a shared machine). */
  Ticker SYSTEM = new Ticker() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void sleepUntil(long deadlineNanos) throws InterruptedException {
      for (long left = deadlineNanos - System.nanoTime(); left > 0; left = deadlineNanos - System.nanoTime()) {
        LockSupport.parkNanos(left);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
    }
  };

  long nanoTime();

  /** Returns at once when {@code deadlineNanos} has passed. */
  void sleepUntil(long deadlineNanos) throws InterruptedException;
}
