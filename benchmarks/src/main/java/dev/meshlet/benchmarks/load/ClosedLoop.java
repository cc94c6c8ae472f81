package dev.meshlet.benchmarks.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The closed model, for maximum throughput: a fixed number of requests are in flight, each
 * followed by the next as soon as it completes. Completions during the warm-up are not counted.
 *
 * <p>The warm-up lasts until the process is steady, once a minimum has passed, and never beyond a
 * maximum. Steady means two consecutive one-second windows whose rates are within 10% of each
 * other, and a JIT that worked at most {@link #QUIET_JIT_MILLIS} in the last window ({@link Jit}): JSSE's
 * TLS runs many times slower until C2 has compiled its crypto intrinsics, and on two cores a
 * client whose hot path is still queued for C2 runs it interpreted or at C1 while the compiler
 * takes half a core from the measured work (seen: a mesh client's hot methods reached C2 20 s
 * after start). A run that hits the maximum says so in {@link Result#jitQuiet()}.
 */
public final class ClosedLoop {
  /** JIT compilation time in a one-second window, at most, for the process to count as warm. */
  public static final long QUIET_JIT_MILLIS = 50;

  private final Ticker ticker;
  private final LongSupplier jitMillis;

  /**
   * @param jitMillis the JIT's work so far, in milliseconds ({@link Jit#compileMillis}); a
   *     constant when it should not gate the warm-up
   */
  public ClosedLoop(Ticker ticker, LongSupplier jitMillis) {
    this.ticker = ticker;
    this.jitMillis = jitMillis;
  }

  /**
   * Completions and failures inside the measured window, its length, how long the warm-up took,
   * and whether the JIT was quiet when it ended.
   */
  public record Result(long completed, long errors, long windowNanos, long warmupNanos, boolean jitQuiet) {
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
    long jitBefore = jitMillis.getAsLong();
    boolean jitQuiet = false;
    for (long at = start + window; at - start <= maxWarmupNanos; at += window) {
      ticker.sleepUntil(at);
      long current = warmupCompletions.getAndSet(0);
      long jitNow = jitMillis.getAsLong();
      jitQuiet = jitNow - jitBefore <= QUIET_JIT_MILLIS;
      jitBefore = jitNow;
      boolean steady = previous > 0 && Math.abs(current - previous) <= previous / 10 && jitQuiet;
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
    Result result = new Result(completed.get(), errors.get(), windowEnd - windowStart, warmedUp, jitQuiet);
    stopped.set(true);
    long drainDeadline = ticker.nanoTime() + drainNanos;
    while (outstanding.get() > 0 && ticker.nanoTime() < drainDeadline) {
      ticker.sleepUntil(Math.min(drainDeadline, ticker.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1)));
    }
    return result;
  }
}
