package dev.meshlet.core.config.networking;

import org.jspecify.annotations.Nullable;

/** One weighted destination of a TCP or TLS route. */
public record RouteDestination(@Nullable Destination destination, @Nullable Integer weight) {}
