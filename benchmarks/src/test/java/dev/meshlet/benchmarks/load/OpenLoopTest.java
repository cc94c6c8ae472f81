package dev.meshlet.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OpenLoopTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  /** Virtual time: waiting jumps the clock, a synchronous "server" advances it by its service time. */
  private static final class FakeTicker implements Ticker {
    long now = 1_000_000_000L;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleepUntil(long deadlineNanos) {
      now = Math.max(now, deadlineNanos);
    }
  }

  @Test
  void aStallIsChargedToEveryRequestThatShouldHaveStartedDuringIt() throws InterruptedException {
    FakeTicker ticker = new FakeTicker();
    long[] sent = {0};
    // 1,000 rps for 10 s: each request takes 0.1 ms, except one that stalls the server for 1 s.
    RequestSender stallingServer = done -> {
      sent[0]++;
      ticker.now += sent[0] == 5_000 ? 1_000 * MS : MS / 10;
      done.complete(true);
    };

    OpenLoop.Result result = new OpenLoop(ticker).run(stallingServer, 1_000, 0, 10_000 * MS, 0,
        OpenLoop.PhaseListener.NONE);

    Percentiles p = Percentiles.of(result.latencyNanos());
    assertThat(p.count()).isEqualTo(10_000);
    assertThat(p.p50Us()).isEqualTo(100.0);
    // ~1,000 requests were due during the stall, waiting from 1 s down to 0: the top 1% waited
    // over 0.9 s. Measured from the actual send instead, all but one would show 0.1 ms.
    assertThat(p.p99Us()).isBetween(880_000.0, 920_000.0);
    assertThat(p.maxUs()).isBetween(999_000.0, 1_001_000.0);
    // The generator itself was late for those same requests: its lag says so.
    assertThat(Percentiles.of(result.sendLagNanos()).p99Us()).isGreaterThan(800_000.0);
  }

  @Test
  void warmUpRequestsAreSentButNotRecorded() throws InterruptedException {
    FakeTicker ticker = new FakeTicker();
    long[] sent = {0};
    int[] phases = {0, 0};
    OpenLoop.Result result = new OpenLoop(ticker).run(done -> {
      sent[0]++;
      done.complete(sent[0] % 100 != 0);
    }, 500, 1_000 * MS, 2_000 * MS, 0, new OpenLoop.PhaseListener() {
      @Override
      public void measureStarted() {
        phases[0]++;
      }

      @Override
      public void measureEnded() {
        phases[1]++;
      }
    });

    assertThat(sent[0]).isEqualTo(1_500);
    assertThat(result.latencyNanos().getTotalCount() + result.errors()).isEqualTo(1_000);
    assertThat(result.errors()).isEqualTo(10);
    assertThat(result.unfinished()).isZero();
    assertThat(phases).containsExactly(1, 1);
  }
}
