package dev.meshlet.core.config.networking;

import org.jspecify.annotations.Nullable;

/**
 * A regex path rewrite: the parts {@code match} (RE2) finds are replaced by {@code rewrite},
 * which may name groups as {@code \1}.
 */
public record RegexRewrite(@Nullable String match, @Nullable String rewrite) {}
