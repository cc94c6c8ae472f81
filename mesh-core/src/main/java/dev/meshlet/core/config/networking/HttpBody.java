package dev.meshlet.core.config.networking;

import org.jspecify.annotations.Nullable;

/**
 * The body of a direct response: text, or bytes written base64 as protobuf's JSON does. Istio
 * allows one of the two.
 */
public record HttpBody(@Nullable String string, @Nullable String bytes) {}
