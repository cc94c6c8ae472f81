package dev.meshlet.core.config.networking;

import org.jspecify.annotations.Nullable;

/** Selects a port of a service by number. */
public record PortSelector(@Nullable Integer number) {}
