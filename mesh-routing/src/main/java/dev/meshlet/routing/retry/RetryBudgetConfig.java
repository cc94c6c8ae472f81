package dev.meshlet.routing.retry;

import java.time.Duration;

/**
 * How many retries a client may make toward one service, whatever its routes say (Finagle's
 * retry budget): a share of the requests in a sliding window, plus a floor per second so a
 * quiet client can still retry.
 *
 * @param percentCanRetry retries as a share of requests, 0..1 (0.2: one retry per five requests)
 * @param minRetriesPerSecond retries allowed regardless of traffic
 * @param ttl the window requests and retries are counted over
 */
public record RetryBudgetConfig(double percentCanRetry, int minRetriesPerSecond, Duration ttl) {
  /** Finagle's default: 20% of requests, at least 10 retries per second, over 10 seconds. */
  public static final RetryBudgetConfig DEFAULT = new RetryBudgetConfig(0.2, 10, Duration.ofSeconds(10));

  /** No budget: routes' retry policies alone decide. */
  public static final RetryBudgetConfig UNLIMITED = new RetryBudgetConfig(Double.POSITIVE_INFINITY, 0, Duration.ofSeconds(1));

  public RetryBudgetConfig {
    if (!(percentCanRetry >= 0)) {
      throw new IllegalArgumentException("percentCanRetry: " + percentCanRetry + " (expected: >= 0)");
    }
    if (minRetriesPerSecond < 0) {
      throw new IllegalArgumentException("minRetriesPerSecond: " + minRetriesPerSecond + " (expected: >= 0)");
    }
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: 1s..60s)");
    }
  }

  public static RetryBudgetConfig ofDefaults() {
    return DEFAULT;
  }
}
