package dev.meshlet.core.config.networking;

import org.jspecify.annotations.Nullable;

/**
 * Rewrites a matching request's path or authority before forwarding (Istio's HTTPRewrite).
 *
 * @param uri replaces the part of the path the match's uri matched (the whole path otherwise)
 * @param uriRegexRewrite rewrites the path with a regex; exclusive with {@code uri}
 */
public record HttpRewrite(
    @Nullable String uri, @Nullable String authority, @Nullable RegexRewrite uriRegexRewrite) {}
