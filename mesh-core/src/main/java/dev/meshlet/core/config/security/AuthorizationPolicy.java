package dev.meshlet.core.config.security;

/** Placeholder: the spec of Istio's AuthorizationPolicy, filled in by the model work. */
public record AuthorizationPolicy() {}
