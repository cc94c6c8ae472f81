package dev.meshlet.benchmarks.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The open model: requests start on a fixed schedule whatever the server does, and each
 * latency is measured from the request's <em>intended</em> start time, not from when it was
 * actually sent. A stall therefore shows up in every request that should have started during
 * it, not only in the one that hit it: the correction for coordinated omission that wrk2 and
 * HdrHistogram describe. Requests scheduled during the warm-up are sent but not recorded.
 */
public final class OpenLoop {
  /** Latencies above this are clamped: a minute is a failure anyway. */
  static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Ticker ticker;

  public OpenLoop(Ticker ticker) {
    this.ticker = ticker;
  }

  /** What a run measured: latencies from intended start, the pacer's own lag, and failures. */
  public record Result(Histogram latencyNanos, Histogram sendLagNanos, long errors, long unfinished,
      long measureStartNanos, long measureEndNanos) {}

  /** Hooks run on the pacer thread as the measured window opens and once it has drained. */
  public interface PhaseListener {
    PhaseListener NONE = new PhaseListener() {};

    default void measureStarted() {}

    default void measureEnded() {}
  }

  /**
   * Sends at {@code ratePerSecond} for {@code warmupNanos} (not recorded) then {@code
   * measureNanos} (recorded), then waits up to {@code drainNanos} for the last answers.
   */
  public Result run(RequestSender sender, double ratePerSecond, long warmupNanos, long measureNanos,
      long drainNanos, PhaseListener listener) throws InterruptedException {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("rate: " + ratePerSecond + " (expected: > 0)");
    }
    double intervalNanos = 1e9 / ratePerSecond;
    Recorder latencies = new Recorder(HIGHEST_TRACKABLE_NANOS, 3);
    Histogram sendLag = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
    AtomicLong outstanding = new AtomicLong();
    AtomicLong errors = new AtomicLong();

    long start = ticker.nanoTime();
    long measureStart = start + warmupNanos;
    long end = measureStart + measureNanos;
    boolean measuring = false;
    // Bounded by count as well as by time: the schedule has exactly this many slots.
    long slots = (long) Math.ceil((warmupNanos + measureNanos) / intervalNanos);
    for (long i = 0; i < slots; i++) {
      long intended = start + (long) (i * intervalNanos);
      if (intended >= end) {
        break;
      }
      boolean recorded = intended >= measureStart;
      if (recorded && !measuring) {
        // Before the wait, not after it: the snapshot must not delay the first measured send.
        measuring = true;
        listener.measureStarted();
      }
      ticker.sleepUntil(intended);
      if (recorded) {
        sendLag.recordValue(Math.min(Math.max(0, ticker.nanoTime() - intended), HIGHEST_TRACKABLE_NANOS));
      }
      outstanding.incrementAndGet();
      sender.send(ok -> {
        if (recorded) {
          if (ok) {
            latencies.recordValue(Math.min(ticker.nanoTime() - intended, HIGHEST_TRACKABLE_NANOS));
          } else {
            errors.incrementAndGet();
          }
        }
        outstanding.decrementAndGet();
      });
    }
    long drainDeadline = ticker.nanoTime() + drainNanos;
    while (outstanding.get() > 0 && ticker.nanoTime() < drainDeadline) {
      ticker.sleepUntil(Math.min(drainDeadline, ticker.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1)));
    }
    long measureEnd = ticker.nanoTime();
    if (!measuring) {
      listener.measureStarted();
    }
    listener.measureEnded();
    return new Result(latencies.getIntervalHistogram(), sendLag, errors.get(), outstanding.get(),
        measureStart, measureEnd);
  }
}
