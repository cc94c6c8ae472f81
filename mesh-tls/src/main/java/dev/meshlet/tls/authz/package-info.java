/**
 * AuthorizationPolicy for inbound requests: policies compiled once per snapshot and workload into
 * matchers, evaluated per request in Istio's order (DENY, then ALLOW), with AUDIT marks and
 * dry-run results.
 */
@NullMarked
package dev.meshlet.tls.authz;

import org.jspecify.annotations.NullMarked;
