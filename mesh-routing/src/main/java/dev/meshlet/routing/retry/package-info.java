/** Retry policies (Envoy's retryOn conditions), backoff, idempotency and the retry budget. */
@NullMarked
package dev.meshlet.routing.retry;

import org.jspecify.annotations.NullMarked;
