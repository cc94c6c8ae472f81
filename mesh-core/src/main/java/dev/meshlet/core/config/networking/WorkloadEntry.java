package dev.meshlet.core.config.networking;

/** Placeholder: the spec of Istio's WorkloadEntry, filled in by the model work. */
public record WorkloadEntry() {}
