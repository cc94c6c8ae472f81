package dev.meshlet.agent.discovery;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter, capped: the n-th consecutive failure waits between half and
 * all of {@code min(max, initial * 2^n)}, so a fleet of agents that lost the same server does not
 * come back in step ("equal jitter": never zero, never over the cap).
 */
final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final RandomGenerator random;

  Backoff(Duration initial, Duration max, RandomGenerator random) {
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /** The delay after {@code failures} consecutive failures (0 for the first retry). */
  Duration delay(int failures) {
    long cap = max.toMillis();
    long base = initial.toMillis();
    for (int i = 0; i < failures && base < cap; i++) {
      base *= 2;
    }
    base = Math.min(base, cap);
    long half = base / 2;
    return Duration.ofMillis(half + (base - half <= 0 ? 0 : random.nextLong(base - half + 1)));
  }

  /** {@code d} moved by up to {@code fraction} of itself either way, so renewals spread out. */
  static Duration jitter(Duration d, double fraction, RandomGenerator random) {
    long ms = d.toMillis();
    long spread = (long) (ms * fraction);
    if (spread <= 0) {
      return d;
    }
    return Duration.ofMillis(ms - spread + random.nextLong(2 * spread + 1));
  }
}
