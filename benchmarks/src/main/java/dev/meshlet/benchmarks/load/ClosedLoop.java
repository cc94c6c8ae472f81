package dev.meshlet.benchmarks.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The closed model, for maximum throughput: a fixed number of requests are in flight, each
 * followed by the next as soon as it completes. Completions during the warm-up are not counted.
 */
public final class ClosedLoop {
  private final Ticker ticker;

  public ClosedLoop(Ticker ticker) {
    this.ticker = ticker;
  }

  /** Completions and failures inside the measured window, and the window's length. */
  public record Result(long completed, long errors, long windowNanos) {
    public double requestsPerSecond() {
      return windowNanos == 0 ? 0 : completed * 1e9 / windowNanos;
    }
  }

  /** Runs {@code concurrency} loops for {@code warmupNanos} then counts for {@code measureNanos}. */
  public Result run(RequestSender sender, int concurrency, long warmupNanos, long measureNanos, long drainNanos,
      OpenLoop.PhaseListener listener) throws InterruptedException {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: >= 1)");
    }
    AtomicBoolean counting = new AtomicBoolean();
    AtomicBoolean stopped = new AtomicBoolean();
    AtomicLong completed = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong outstanding = new AtomicLong();
    RequestSender.Completion[] loop = new RequestSender.Completion[1];
    loop[0] = ok -> {
      if (counting.get()) {
        (ok ? completed : errors).incrementAndGet();
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
    ticker.sleepUntil(start + warmupNanos);
    listener.measureStarted();
    long windowStart = ticker.nanoTime();
    counting.set(true);
    ticker.sleepUntil(windowStart + measureNanos);
    counting.set(false);
    long windowEnd = ticker.nanoTime();
    listener.measureEnded();
    Result result = new Result(completed.get(), errors.get(), windowEnd - windowStart);
    stopped.set(true);
    long drainDeadline = ticker.nanoTime() + drainNanos;
    while (outstanding.get() > 0 && ticker.nanoTime() < drainDeadline) {
      ticker.sleepUntil(Math.min(drainDeadline, ticker.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1)));
    }
    return result;
  }
}
