package dev.meshlet.core.config.networking;

import org.jspecify.annotations.Nullable;

/** Answers a matching request directly with a fixed status and body (Istio's HTTPDirectResponse). */
public record HttpDirectResponse(@Nullable Integer status, @Nullable HttpBody body) {}
