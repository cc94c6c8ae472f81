package dev.meshlet.routing.outlier;

import dev.meshlet.routing.endpoint.Endpoint;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What outlier detection knows of one endpoint at one moment, for the admin {@code /clusters}
 * view.
 *
 * @param ejected whether the endpoint is ejected now
 * @param timesEjected the ejection multiplier (ejections not yet forgiven by healthy intervals)
 * @param totalEjections every ejection since the endpoint was first seen
 * @param ejectedUntil when the current ejection ends; null when not ejected
 * @param consecutive5xx the current run of 5xx responses
 * @param consecutiveGatewayErrors the current run of 502/503/504 responses
 * @param consecutiveLocalOriginFailures the current run of local failures (split mode)
 */
public record EndpointHealth(
    Endpoint endpoint,
    boolean ejected,
    int timesEjected,
    long totalEjections,
    @Nullable Instant ejectedUntil,
    int consecutive5xx,
    int consecutiveGatewayErrors,
    int consecutiveLocalOriginFailures) {}
