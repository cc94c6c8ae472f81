/** The registry of running workloads, each held by a lease its agent renews. */
@NullMarked
package dev.meshlet.discovery.registry;

import org.jspecify.annotations.NullMarked;
