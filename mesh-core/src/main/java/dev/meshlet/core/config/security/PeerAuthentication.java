package dev.meshlet.core.config.security;

/** Placeholder: the spec of Istio's PeerAuthentication, filled in by the model work. */
public record PeerAuthentication() {}
