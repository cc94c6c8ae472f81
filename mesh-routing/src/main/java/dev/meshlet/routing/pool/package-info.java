/**
 * Connection pool limits as circuit breaking (Istio's ConnectionPoolSettings): concurrent
 * requests, connections, pending requests and retries per destination, failing fast with
 * response flag UO on overflow.
 */
@NullMarked
package dev.meshlet.routing.pool;

import org.jspecify.annotations.NullMarked;
