/**
 * Meshlet's annotations: a service owner's defaults for its own identity and its own calls,
 * compiled to the same VirtualServices and DestinationRules that YAML would give, so one engine
 * applies both. A central or file resource for the same host wins over them.
 */
@NullMarked
package dev.meshlet.core.annotation;

import org.jspecify.annotations.NullMarked;
