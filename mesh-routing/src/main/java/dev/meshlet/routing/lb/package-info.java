/**
 * Load balancing among a destination's endpoints: round robin, least request (power of two
 * choices), random, consistent hash (ring hash, Maglev) and locality-aware distribution and
 * failover. A {@link dev.meshlet.routing.lb.LoadBalancer} is built once per endpoint set by a
 * {@link dev.meshlet.routing.lb.LoadBalancerFactory}; picking is lock-free.
 */
@NullMarked
package dev.meshlet.routing.lb;

import org.jspecify.annotations.NullMarked;
