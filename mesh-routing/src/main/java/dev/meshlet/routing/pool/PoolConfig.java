package dev.meshlet.routing.pool;

import dev.meshlet.core.config.networking.ConnectionPoolSettings;
import dev.meshlet.core.config.networking.ConnectionPoolSettings.HttpSettings;
import dev.meshlet.core.config.networking.ConnectionPoolSettings.TcpSettings;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The effective connection pool limits of one destination, with Istio's defaults filled in.
 * Istio sets Envoy's limits to 2^32-1 when absent, that is, unlimited; here that is {@link
 * #UNLIMITED}.
 *
 * @param maxConnections HTTP/1.1 connections (so requests being served) at once
 * @param http1MaxPendingRequests requests that may wait for a connection at once
 * @param http2MaxRequests requests in flight at once, whatever the protocol (as Envoy's
 *     max_requests)
 * @param maxRequestsPerConnection requests before a connection is closed; 0 is no limit
 * @param maxRetries retries in flight at once across the destination
 * @param connectTimeout for the integrator's OkHttp {@code connectTimeout} (Istio: 10s)
 * @param idleTimeout how long an unused connection is kept (Istio: 1h), for the OkHttp pool
 * @param maxConnectionDuration the longest a connection lives; null is no limit
 */
public record PoolConfig(
    int maxConnections,
    int http1MaxPendingRequests,
    int http2MaxRequests,
    int maxRequestsPerConnection,
    int maxRetries,
    Duration connectTimeout,
    Duration idleTimeout,
    @Nullable Duration maxConnectionDuration) {

  /** Stands for Istio's 2^32-1: no limit. */
  public static final int UNLIMITED = Integer.MAX_VALUE;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

  public PoolConfig {
    checkNotNegative("tcp.maxConnections", maxConnections);
    checkNotNegative("http.http1MaxPendingRequests", http1MaxPendingRequests);
    checkNotNegative("http.http2MaxRequests", http2MaxRequests);
    checkNotNegative("http.maxRequestsPerConnection", maxRequestsPerConnection);
    checkNotNegative("http.maxRetries", maxRetries);
    checkPositive("tcp.connectTimeout", Objects.requireNonNull(connectTimeout, "connectTimeout"));
    checkPositive("http.idleTimeout", Objects.requireNonNull(idleTimeout, "idleTimeout"));
    if (maxConnectionDuration != null) {
      checkPositive("tcp.maxConnectionDuration", maxConnectionDuration);
    }
  }

  /** No limits, Istio's timeouts. */
  public static PoolConfig ofDefaults() {
    return new PoolConfig(
        UNLIMITED, UNLIMITED, UNLIMITED, 0, UNLIMITED, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_TIMEOUT, null);
  }

  /** The limits of a merged policy's {@code connectionPool}; null gives {@link #ofDefaults()}. */
  public static PoolConfig of(@Nullable ConnectionPoolSettings settings) {
    TcpSettings tcp = settings == null ? null : settings.tcp();
    HttpSettings http = settings == null ? null : settings.http();
    Duration idle = http != null && http.idleTimeout() != null
        ? http.idleTimeout()
        : tcp != null && tcp.idleTimeout() != null ? tcp.idleTimeout() : DEFAULT_IDLE_TIMEOUT;
    return new PoolConfig(
        limit(tcp == null ? null : tcp.maxConnections(), UNLIMITED),
        limit(http == null ? null : http.http1MaxPendingRequests(), UNLIMITED),
        limit(http == null ? null : http.http2MaxRequests(), UNLIMITED),
        limit(http == null ? null : http.maxRequestsPerConnection(), 0),
        limit(http == null ? null : http.maxRetries(), UNLIMITED),
        tcp != null && tcp.connectTimeout() != null ? tcp.connectTimeout() : DEFAULT_CONNECT_TIMEOUT,
        idle,
        tcp == null ? null : tcp.maxConnectionDuration());
  }

  private static int limit(@Nullable Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  private static void checkNotNegative(String field, int value) {
    if (value < 0) {
      throw new IllegalArgumentException("connectionPool." + field + ": " + value + " (expected: >= 0)");
    }
  }

  private static void checkPositive(String field, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("connectionPool." + field + ": " + value + " (expected: > 0)");
    }
  }
}
