package dev.meshlet.core.config.networking;

import org.jspecify.annotations.Nullable;

/**
 * Hands an HTTP route over to another VirtualService (a delegate, which has no hosts of its own).
 *
 * @param namespace the delegate's namespace; the rule's own when absent
 */
public record Delegate(@Nullable String name, @Nullable String namespace) {}
