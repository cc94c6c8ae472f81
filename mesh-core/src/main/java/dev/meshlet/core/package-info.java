/** Meshlet's core: the resource model and what reads it. */
@NullMarked
package dev.meshlet.core;

import org.jspecify.annotations.NullMarked;
