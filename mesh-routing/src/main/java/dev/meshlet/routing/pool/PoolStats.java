package dev.meshlet.routing.pool;

/**
 * A destination's pool usage at one moment, for the admin view and metrics (Envoy's
 * circuit-breaker gauges and overflow counters).
 *
 * @param activeRequests requests holding a permit
 * @param activeConnections requests holding a connection slot
 * @param pendingRequests requests waiting for a connection slot
 * @param activeRetries retries holding a retry permit
 * @param requestOverflows requests refused by {@code http2MaxRequests} or {@code maxConnections}
 * @param pendingOverflows requests refused by {@code http1MaxPendingRequests} or a wait that ran out
 * @param retryOverflows retries refused by {@code maxRetries}
 */
public record PoolStats(
    int activeRequests,
    int activeConnections,
    int pendingRequests,
    int activeRetries,
    long requestOverflows,
    long pendingOverflows,
    long retryOverflows) {}
