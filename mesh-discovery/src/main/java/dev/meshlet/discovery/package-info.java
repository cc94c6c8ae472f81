/** Meshlet's discovery server: config store, registry, push to agents, and the meshctl CLI. */
@NullMarked
package dev.meshlet.discovery;

import org.jspecify.annotations.NullMarked;
