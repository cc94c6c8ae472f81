/**
 * Immutable, versioned views of the whole configuration, indexed for the lookups the data plane
 * makes (by host, by namespace, by workload labels).
 */
@NullMarked
package dev.meshlet.core.config.snapshot;

import org.jspecify.annotations.NullMarked;
