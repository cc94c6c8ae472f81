package dev.meshlet.core.config.networking;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The retry policy of an HTTP route (Istio's HTTPRetry).
 *
 * @param attempts how many retries a request gets (0 disables retries)
 * @param perTryTimeout the timeout of each try, initial call included
 * @param retryOn comma-separated conditions (Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on
 *     values, or HTTP status codes)
 * @param retryRemoteLocalities whether retries may go to other localities
 * @param retryIgnorePreviousHosts whether a retry avoids hosts already tried (Istio: default true)
 * @param backoff the base interval between retries (Istio: default 25ms)
 */
public record HttpRetry(
    @Nullable Integer attempts,
    @Nullable Duration perTryTimeout,
    @Nullable String retryOn,
    @Nullable Boolean retryRemoteLocalities,
    @Nullable Boolean retryIgnorePreviousHosts,
    @Nullable Duration backoff) {}
