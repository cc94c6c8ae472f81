package dev.meshlet.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class ClosedLoopTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long START = 1_000_000_000L;

  /** Virtual time with a server that answers each request 1 ms after it was sent. */
  private static final class SimulatedServer implements Ticker, RequestSender {
    private record Pending(long dueNanos, Completion done) {}

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    long now = START;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleepUntil(long deadlineNanos) {
      while (!pending.isEmpty() && pending.peek().dueNanos() <= deadlineNanos) {
        Pending next = pending.poll();
        now = Math.max(now, next.dueNanos());
        next.done().complete(true); // sends the next request, due 1 ms from now
      }
      now = Math.max(now, deadlineNanos);
    }

    @Override
    public void send(Completion done) {
      pending.add(new Pending(now + MS, done));
    }
  }

  @Test
  void theWarmUpLastsUntilTheJitIsQuietEvenWhenTheRateIsAlreadySteady() throws InterruptedException {
    SimulatedServer server = new SimulatedServer();
    // 200 ms of compiling per second for the first 8 s, then none.
    LongSupplier jitMillis = () -> {
      long seconds = (server.now - START) / TimeUnit.SECONDS.toNanos(1);
      return Math.min(seconds, 8) * 200;
    };

    ClosedLoop.Result result = new ClosedLoop(server, jitMillis).run(server, 1, 2_000 * MS, 20_000 * MS, 1_000 * MS,
        0, OpenLoop.PhaseListener.NONE);

    // The rate was steady from the second second on; the JIT went quiet in the ninth.
    assertThat(result.warmupNanos()).isEqualTo(9_000 * MS);
    assertThat(result.jitQuiet()).isTrue();
    assertThat(result.requestsPerSecond()).isBetween(990.0, 1_010.0);
  }

  @Test
  void aJitThatNeverSettlesEndsTheWarmUpAtItsMaximumAndSaysSo() throws InterruptedException {
    SimulatedServer server = new SimulatedServer();
    ClosedLoop.Result result = new ClosedLoop(server, () -> (server.now - START) / MS / 2).run(server, 1,
        1_000 * MS, 5_000 * MS, 1_000 * MS, 0, OpenLoop.PhaseListener.NONE);

    assertThat(result.warmupNanos()).isEqualTo(5_000 * MS);
    assertThat(result.jitQuiet()).isFalse();
  }
}
