package dev.meshlet.core.config.networking;

import org.jspecify.annotations.Nullable;

/** One mirror of an HTTP route: a destination that gets a copy of a share of the requests. */
public record HttpMirrorPolicy(@Nullable Destination destination, @Nullable Percent percentage) {}
