/**
 * Cross-resource analysis in the spirit of {@code istioctl analyze}: each resource may be valid
 * on its own and still make no sense beside the others. Findings are warnings.
 */
@NullMarked
package dev.meshlet.core.config.analysis;

import org.jspecify.annotations.NullMarked;
