package dev.meshlet.core.config.networking;

import org.jspecify.annotations.Nullable;

/**
 * One weighted destination of an HTTP route, with header edits for requests sent to it and
 * responses from it.
 *
 * @param weight the destination's relative share of the route's traffic (Istio no longer needs
 *     the weights to add up to 100, only to be non-negative and not all 0 when there are several)
 */
public record HttpRouteDestination(
    @Nullable Destination destination, @Nullable Integer weight, @Nullable Headers headers) {}
