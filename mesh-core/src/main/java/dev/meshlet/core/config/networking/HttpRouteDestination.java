package dev.meshlet.core.config.networking;

import org.jspecify.annotations.Nullable;

/**
 * One weighted destination of an HTTP route, with header edits for requests sent to it and
 * responses from it.
 *
 * @param weight share of the traffic, 0..100; the weights of a route add up to 100 (a lone
 *     destination without weight takes all of it)
 */
public record HttpRouteDestination(
    @Nullable Destination destination, @Nullable Integer weight, @Nullable Headers headers) {}
