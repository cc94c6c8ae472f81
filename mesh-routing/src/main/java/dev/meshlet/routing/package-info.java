/**
 * Outbound traffic management for OkHttp clients: every step of the outbound walk (resolve,
 * route, fault, mirror, policies, retries, load balancing) with Istio's semantics.
 */
@NullMarked
package dev.meshlet.routing;

import org.jspecify.annotations.NullMarked;
