package dev.meshlet.core.config.networking;

/** Placeholder: the spec of Istio's DestinationRule, filled in by the model work. */
public record DestinationRule() {}
