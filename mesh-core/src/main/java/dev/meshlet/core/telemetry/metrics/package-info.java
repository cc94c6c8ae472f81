/**
 * Istio's standard metrics and Meshlet's own machinery metrics on the user's Micrometer
 * registry, named so that a Prometheus scrape shows exactly Istio's names and labels. Meters are
 * looked up once per label set and cached.
 */
@NullMarked
package dev.meshlet.core.telemetry.metrics;

import org.jspecify.annotations.NullMarked;
