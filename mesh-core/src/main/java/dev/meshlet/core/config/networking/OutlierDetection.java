package dev.meshlet.core.config.networking;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Ejects endpoints that keep failing from the load-balancing pool for a while (Istio's
 * OutlierDetection).
 *
 * @param consecutiveErrors deprecated by Istio in favour of {@code consecutive5xxErrors}
 * @param splitExternalLocalOriginErrors count local failures (connect errors, timeouts) apart
 *     from upstream 5xx
 * @param maxEjectionPercent at most this share (0..100) of endpoints is ejected at once
 * @param minHealthPercent outlier detection stops while fewer endpoints (0..100) are healthy
 */
public record OutlierDetection(
    @Nullable Integer consecutiveErrors,
    @Nullable Boolean splitExternalLocalOriginErrors,
    @Nullable Integer consecutiveLocalOriginFailures,
    @Nullable Integer consecutiveGatewayErrors,
    @Nullable Integer consecutive5xxErrors,
    @Nullable Duration interval,
    @Nullable Duration baseEjectionTime,
    @Nullable Integer maxEjectionPercent,
    @Nullable Integer minHealthPercent) {}
