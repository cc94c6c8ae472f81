package dev.meshlet.core.config.security;

import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code istio.type.v1beta1.PolicyTargetReference}: attaches a policy to a Gateway, a
 * GatewayClass, a Service or a ServiceEntry rather than to workloads by label. Meshlet has no
 * gateways or waypoints in process, so a policy with a target reference is read, validated and
 * then not enforced on any workload (see {@link AuthorizationPolicy#attachesToWorkloads()}).
 */
public record PolicyTargetReference(
    @Nullable String group, @Nullable String kind, @Nullable String name, @Nullable String namespace) {}
