/**
 * The specs of Istio's {@code security.istio.io} kinds (PeerAuthentication, AuthorizationPolicy)
 * as immutable records whose component names are Istio's JSON field names.
 */
@NullMarked
package dev.meshlet.core.config.security;

import org.jspecify.annotations.NullMarked;
