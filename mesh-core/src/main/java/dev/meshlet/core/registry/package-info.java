/** What the mesh knows of running workloads: the registry model shared by data and control plane. */
@NullMarked
package dev.meshlet.core.registry;

import org.jspecify.annotations.NullMarked;
