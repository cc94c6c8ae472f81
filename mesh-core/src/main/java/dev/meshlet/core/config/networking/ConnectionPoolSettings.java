package dev.meshlet.core.config.networking;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Connection and request limits toward a destination (Istio's circuit breaker), TCP and HTTP. */
public record ConnectionPoolSettings(@Nullable TcpSettings tcp, @Nullable HttpSettings http) {

  /** Limits common to TCP and HTTP connections. */
  public record TcpSettings(
      @Nullable Integer maxConnections,
      @Nullable Duration connectTimeout,
      @Nullable TcpKeepalive tcpKeepalive,
      @Nullable Duration maxConnectionDuration,
      @Nullable Duration idleTimeout) {}

  /** TCP keep-alive probes. */
  public record TcpKeepalive(@Nullable Integer probes, @Nullable Duration time, @Nullable Duration interval) {}

  /**
   * HTTP limits.
   *
   * @param maxRetries outstanding retries allowed to the destination at once
   * @param useClientProtocol speak to the destination the protocol the client used
   * @param http2KeepAlive HTTP/2 PINGs that keep an idle connection alive or find it dead
   */
  public record HttpSettings(
      @Nullable Integer http1MaxPendingRequests,
      @Nullable Integer http2MaxRequests,
      @Nullable Integer maxRequestsPerConnection,
      @Nullable Integer maxRetries,
      @Nullable Duration idleTimeout,
      @Nullable H2UpgradePolicy h2UpgradePolicy,
      @Nullable Boolean useClientProtocol,
      @Nullable Integer maxConcurrentStreams,
      @Nullable ConnectionKeepalive http2KeepAlive) {}

  /**
   * HTTP/2 keep-alive: a PING every {@code interval}; the connection is closed when none is
   * answered within {@code timeout}.
   */
  public record ConnectionKeepalive(@Nullable Duration interval, @Nullable Duration timeout) {}

  /** Whether HTTP/1.1 connections are upgraded to HTTP/2. */
  public enum H2UpgradePolicy {
    DEFAULT,
    DO_NOT_UPGRADE,
    UPGRADE
  }
}
