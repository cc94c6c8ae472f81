/**
 * Outbound TLS: the DestinationRule's client TLS mode (DISABLE, SIMPLE, MUTUAL, ISTIO_MUTUAL) or
 * auto mTLS, turned into immutable values an OkHttp client applies as they are.
 */
@NullMarked
package dev.meshlet.tls.client;

import org.jspecify.annotations.NullMarked;
