package dev.meshlet.core.config.networking;

/** Placeholder: the spec of Istio's VirtualService, filled in by the model work. */
public record VirtualService() {}
