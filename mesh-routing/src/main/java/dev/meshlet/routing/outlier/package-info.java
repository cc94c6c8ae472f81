/**
 * Outlier detection: ejects endpoints that keep failing from load balancing for a while, with
 * Istio's (Envoy's) counting, ejection times, caps and panic threshold.
 */
@NullMarked
package dev.meshlet.routing.outlier;

import org.jspecify.annotations.NullMarked;
