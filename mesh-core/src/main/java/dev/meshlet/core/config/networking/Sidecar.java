package dev.meshlet.core.config.networking;

/** Placeholder: the spec of Istio's Sidecar, filled in by the model work. */
public record Sidecar() {}
