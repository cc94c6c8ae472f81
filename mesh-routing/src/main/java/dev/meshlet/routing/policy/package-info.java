/**
 * DestinationRule traffic policies merged as Istio merges them (top level, then subset, then
 * port level) into an immutable effective policy per destination (host, subset, port).
 */
@NullMarked
package dev.meshlet.routing.policy;

import org.jspecify.annotations.NullMarked;
