/**
 * The inbound chain every server adapter runs (DESIGN.md's inbound walk): the port's mTLS mode
 * from PeerAuthentication, the peer's SPIFFE identity, AuthorizationPolicy, telemetry, the
 * caller's deadline and the request scope, compiled once per config snapshot.
 */
@NullMarked
package dev.meshlet.agent.server;

import org.jspecify.annotations.NullMarked;
