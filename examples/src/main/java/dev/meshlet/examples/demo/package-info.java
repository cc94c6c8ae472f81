/**
 * The Bookinfo demo: starts a discovery server and every Bookinfo service as separate processes,
 * then walks Istio's Bookinfo tasks by applying Istio's own rules and checking what Istio's task
 * pages say should happen.
 */
@NullMarked
package dev.meshlet.examples.demo;

import org.jspecify.annotations.NullMarked;
