package dev.meshlet.core.config.networking;

/** Placeholder: the spec of Istio's ServiceEntry, filled in by the model work. */
public record ServiceEntry() {}
