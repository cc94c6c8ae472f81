package dev.meshlet.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesFromTheInitialDelayWithJitterAndNeverPassesTheCap() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new Random(42));
    for (int failures = 0; failures < 40; failures++) {
      long base = Math.min(2_000, 100L << Math.min(failures, 20));
      for (int i = 0; i < 50; i++) {
        assertThat(b.delay(failures).toMillis()).as("failure %d", failures).isBetween(base / 2, base);
      }
    }
  }

  @Test
  void jitterSpreadsRenewalsAroundTheirTime() {
    Random random = new Random(1);
    for (int i = 0; i < 200; i++) {
      assertThat(Backoff.jitter(Duration.ofSeconds(10), 0.1, random).toMillis()).isBetween(9_000L, 11_000L);
    }
  }
}
