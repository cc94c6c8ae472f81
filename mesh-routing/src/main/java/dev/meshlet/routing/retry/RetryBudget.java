package dev.meshlet.routing.retry;

import java.time.Clock;

/**
 * A retry budget toward one service: every request deposits, every retry withdraws, and a retry
 * is refused when the window's balance is spent. Counts live in one-second slots over the
 * configured window, read from the injected clock. Thread-safe; the lock is held for a few
 * additions.
 */
public final class RetryBudget {
  private final RetryBudgetConfig config;
  private final Clock clock;
  private final int slots;
  private final long[] second;
  private final long[] requests;
  private final long[] retries;

  public RetryBudget(RetryBudgetConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.slots = (int) config.ttl().toSeconds();
    this.second = new long[slots];
    this.requests = new long[slots];
    this.retries = new long[slots];
  }

  /** Records a request (a first try). */
  public void deposit() {
    if (Double.isInfinite(config.percentCanRetry())) {
      return;
    }
    synchronized (this) {
      requests[slot()]++;
    }
  }

  /** Takes one retry from the budget; false when none is left. */
  public boolean tryWithdraw() {
    if (Double.isInfinite(config.percentCanRetry())) {
      return true;
    }
    synchronized (this) {
      int now = slot();
      long current = second[now];
      long reqs = 0;
      long rets = 0;
      for (int i = 0; i < slots; i++) {
        if (second[i] > current - slots) {
          reqs += requests[i];
          rets += retries[i];
        }
      }
      double balance = (double) config.minRetriesPerSecond() * slots + config.percentCanRetry() * reqs - rets;
      if (balance < 1) {
        return false;
      }
      retries[now]++;
      return true;
    }
  }

  /** The current second's slot, clearing slots that fell out of the window. */
  private int slot() {
    long s = Math.floorDiv(clock.millis(), 1000);
    int i = (int) Math.floorMod(s, slots);
    if (second[i] != s) {
      second[i] = s;
      requests[i] = 0;
      retries[i] = 0;
    }
    return i;
  }
}
