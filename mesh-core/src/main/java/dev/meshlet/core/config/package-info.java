/**
 * Istio's configuration resources as immutable records: the envelope ({@link
 * dev.meshlet.core.config.Resource}), the kinds Meshlet serves, and the problems found in them.
 */
@NullMarked
package dev.meshlet.core.config;

import org.jspecify.annotations.NullMarked;
