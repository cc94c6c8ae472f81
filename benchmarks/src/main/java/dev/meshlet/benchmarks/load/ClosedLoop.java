package dev.meshlet.benchmarks.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The closed model, for maximum throughput: a fixed number of requests are in flight, each
 * followed by the next as soon as it completes. Completions during the warm-up are not counted.
 *
 * <p>The warm-up lasts until the rate is steady (two consecutive one-second windows within 10%
 * of each other) once a minimum has passed, and never beyond a maximum: JSSE's TLS runs many
 * times slower until C2 has compiled its crypto intrinsics, and on a busy machine that takes an
 * unpredictable while.
 */
public final class ClosedLoop {
  private final Ticker ticker;

  public ClosedLoop(Ticker ticker) {
    this.ticker = ticker;
  }

  /** Completions and failures inside the measured window, its length and how long the warm-up took. */
  public record Result(long completed, long errors, long windowNanos, long warmupNanos) {
    public double requestsPerSecond() {
      return windowNanos == 0 ? 0 : completed * 1e9 / windowNanos;
    }
  }

  /**
   * Runs {@code concurrency} loops, warms up between {@code minWarmupNanos} and {@code
   * maxWarmupNanos}, then counts for {@code measureNanos}.
   */
  public Result run(RequestSender sender, int concurrency, long minWarmupNanos, long maxWarmupNanos,
      long measureNanos, long drainNanos, OpenLoop.PhaseListener listener) throws InterruptedException {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: >= 1)");
    }
    AtomicBoolean counting = new AtomicBoolean();
    AtomicBoolean stopped = new AtomicBoolean();
    AtomicLong completed = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong outstanding = new AtomicLong();
    AtomicLong warmupCompletions = new AtomicLong();
    RequestSender.Completion[] loop = new RequestSender.Completion[1];
    loop[0] = ok -> {
      if (counting.get()) {
        (ok ? completed : errors).incrementAndGet();
      } else {
        warmupCompletions.incrementAndGet();
      }
      if (stopped.get()) {
        outstanding.decrementAndGet();
      } else {
        sender.send(loop[0]);
      }
    };
    long start = ticker.nanoTime();
    for (int i = 0; i < concurrency; i++) {
      outstanding.incrementAndGet();
      sender.send(loop[0]);
    }
    long window = TimeUnit.SECONDS.toNanos(1);
    long previous = -1;
    for (long at = start + window; at - start <= maxWarmupNanos; at += window) {
      ticker.sleepUntil(at);
      long current = warmupCompletions.getAndSet(0);
      boolean steady = previous > 0 && Math.abs(current - previous) <= previous / 10;
      if (at - start >= minWarmupNanos && steady) {
        break;
      }
      previous = current;
    }
    long warmedUp = ticker.nanoTime() - start;
    listener.measureStarted();
    long windowStart = ticker.nanoTime();
    counting.set(true);
    ticker.sleepUntil(windowStart + measureNanos);
    counting.set(false);
    long windowEnd = ticker.nanoTime();
    listener.measureEnded();
    Result result = new Result(completed.get(), errors.get(), windowEnd - windowStart, warmedUp);
    stopped.set(true);
    long drainDeadline = ticker.nanoTime() + drainNanos;
    while (outstanding.get() > 0 && ticker.nanoTime() < drainDeadline) {
      ticker.sleepUntil(Math.min(drainDeadline, ticker.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1)));
    }
    return result;
  }
}
