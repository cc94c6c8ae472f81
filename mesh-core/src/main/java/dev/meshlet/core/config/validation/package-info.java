/** Istio's validation rules: what Istio rejects, Meshlet rejects, with the field path and why. */
@NullMarked
package dev.meshlet.core.config.validation;

import org.jspecify.annotations.NullMarked;
