/**
 * The sidecar baseline: two HAProxy processes configured as a client-side and a server-side sidecar.
 */
@NullMarked
package dev.meshlet.benchmarks.proxy;

import org.jspecify.annotations.NullMarked;
