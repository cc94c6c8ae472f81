package dev.meshlet.routing.pool;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The circuit breaker of one destination (host, subset, port): Envoy's connection pool limits
 * as Istio configures them. A request takes a {@link Permit} before it is sent and releases it
 * when it ends; a retry takes a second one. Over a limit the request fails at once with {@link
 * OverflowException} (UO); only a request allowed to wait for a connection waits, within {@code
 * http1MaxPendingRequests} and the time it is given, so nothing queues without bound.
 *
 * <p>Requests, pending requests and retries are resilience4j semaphore bulkheads that never
 * wait. The connection slot is a plain {@link Semaphore}: a pending request tries it at once and
 * then waits a bounded time, which a bulkhead's single fixed wait cannot express. A connection
 * slot models OkHttp's HTTP/1.1, where a request occupies a connection while it runs.
 *
 * <p>Thread-safe. Limits are fixed: on a config change use {@link #reconfigure}, which keeps
 * this limiter when nothing changed and otherwise builds a new one (resilience4j registries are
 * get-or-create, so none is used); calls in flight release their permits to the old one.
 */
public final class PoolLimiter {

  private final String destination;
  private final PoolConfig config;
  private final Bulkhead requests;
  private final Bulkhead pending;
  private final Bulkhead retries;
  private final Semaphore connections;
  private final LongAdder requestOverflows = new LongAdder();
  private final LongAdder pendingOverflows = new LongAdder();
  private final LongAdder retryOverflows = new LongAdder();
  private final Runnable releaseRequest = this::releaseRequest;
  private final Runnable releaseRetry;
  private final Runnable releaseMultiplexed;

  /**
   * @param destination names the destination in errors and bulkheads ({@code
   *     outbound|9080|v1|reviews.default.svc.cluster.local})
   */
  public PoolLimiter(String destination, PoolConfig config) {
    this.destination = Objects.requireNonNull(destination, "destination");
    this.config = Objects.requireNonNull(config, "config");
    this.requests = failFast(destination + "/requests", config.http2MaxRequests());
    this.pending = failFast(destination + "/pending", config.http1MaxPendingRequests());
    this.retries = failFast(destination + "/retries", config.maxRetries());
    this.connections = new Semaphore(config.maxConnections());
    this.releaseRetry = retries::onComplete;
    this.releaseMultiplexed = requests::onComplete;
  }

  private static Bulkhead failFast(String name, int limit) {
    return Bulkhead.of(
        name,
        BulkheadConfig.custom()
            .maxConcurrentCalls(limit)
            .maxWaitDuration(Duration.ZERO)
            .writableStackTraceEnabled(false)
            .build());
  }

  public String destination() {
    return destination;
  }

  public PoolConfig config() {
    return config;
  }

  /** This limiter when {@code newConfig} equals its own, else a new one with empty counts. */
  public PoolLimiter reconfigure(PoolConfig newConfig) {
    return config.equals(newConfig) ? this : new PoolLimiter(destination, newConfig);
  }

  /** Takes a request permit without waiting for a connection: {@link #acquire(Duration)} with zero. */
  public Permit tryAcquire() throws OverflowException {
    try {
      return acquire(Duration.ZERO);
    } catch (OverflowException e) {
      throw e;
    } catch (InterruptedIOException e) {
      throw new AssertionError("a zero wait cannot be interrupted", e);
    }
  }

  /**
   * Takes a permit for one request (one try; a retry needs {@link #tryAcquireRetry} as well).
   *
   * @param maxWait how long the request may wait as pending for a connection slot (the time
   *     left of its timeout, typically); zero never waits
   * @throws OverflowException at once when {@code http2MaxRequests} requests are in flight,
   *     when {@code http1MaxPendingRequests} already wait, or when the wait ran out
   * @throws InterruptedIOException when the thread was interrupted (the call was cancelled)
   *     while waiting; the interrupt flag stays set
   */
  public Permit acquire(Duration maxWait) throws OverflowException, InterruptedIOException {
    return acquire(maxWait, false);
  }

  /**
   * As {@link #acquire(Duration)}, for a destination spoken to over HTTP/1.1 ({@code multiplexed}
   * false: a request holds a connection slot while it runs) or HTTP/2 ({@code multiplexed} true:
   * requests share connections, so only {@code http2MaxRequests} bounds them, as in Envoy).
   */
  public Permit acquire(Duration maxWait, boolean multiplexed)
      throws OverflowException, InterruptedIOException {
    return acquireNanos(maxWait.isNegative() ? 0 : saturatedNanos(maxWait), multiplexed);
  }

  /** As {@link #acquire(Duration, boolean)}, with the wait in milliseconds (no Duration per request). */
  public Permit acquire(long maxWaitMillis, boolean multiplexed) throws OverflowException, InterruptedIOException {
    return acquireNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(0, maxWaitMillis)), multiplexed);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  private Permit acquireNanos(long maxWaitNanos, boolean multiplexed)
      throws OverflowException, InterruptedIOException {
    if (!requests.tryAcquirePermission()) {
      requestOverflows.increment();
      throw new OverflowException(destination, "http.http2MaxRequests", config.http2MaxRequests());
    }
    if (multiplexed) {
      return new Permit(releaseMultiplexed);
    }
    boolean acquired = false;
    try {
      if (!connections.tryAcquire()) {
        waitForConnection(maxWaitNanos);
      }
      acquired = true;
      return new Permit(releaseRequest);
    } finally {
      if (!acquired) {
        requests.onComplete();
      }
    }
  }

  private void waitForConnection(long maxWaitNanos) throws OverflowException, InterruptedIOException {
    if (maxWaitNanos <= 0) {
      requestOverflows.increment();
      throw new OverflowException(destination, "tcp.maxConnections", config.maxConnections());
    }
    if (!pending.tryAcquirePermission()) {
      pendingOverflows.increment();
      throw new OverflowException(
          destination, "http.http1MaxPendingRequests", config.http1MaxPendingRequests());
    }
    try {
      if (!connections.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS)) {
        pendingOverflows.increment();
        throw new OverflowException(destination, "tcp.maxConnections", config.maxConnections());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException cancelled =
          new InterruptedIOException("cancelled while waiting for a connection to " + destination);
      cancelled.initCause(e);
      throw cancelled;
    } finally {
      pending.onComplete();
    }
  }

  private void releaseRequest() {
    connections.release();
    requests.onComplete();
  }

  /**
   * Takes a permit for one retry, within {@code maxRetries}. Null when the limit is reached: as
   * in Envoy, the retry is then not made and the last try's outcome stands.
   */
  public @Nullable Permit tryAcquireRetry() {
    if (!retries.tryAcquirePermission()) {
      retryOverflows.increment();
      return null;
    }
    return new Permit(releaseRetry);
  }

  /** Current usage and overflow counts. */
  public PoolStats stats() {
    return new PoolStats(
        config.http2MaxRequests() - requests.getMetrics().getAvailableConcurrentCalls(),
        config.maxConnections() - connections.availablePermits(),
        config.http1MaxPendingRequests() - pending.getMetrics().getAvailableConcurrentCalls(),
        config.maxRetries() - retries.getMetrics().getAvailableConcurrentCalls(),
        requestOverflows.sum(),
        pendingOverflows.sum(),
        retryOverflows.sum());
  }

  @Override
  public String toString() {
    return "PoolLimiter{" + destination + ", " + stats() + "}";
  }
}
