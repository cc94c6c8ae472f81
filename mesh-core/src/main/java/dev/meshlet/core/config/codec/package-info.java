/**
 * Reading and writing Istio's YAML and JSON: documents to {@link dev.meshlet.core.config.Resource}
 * records and back, with every binding problem reported by field path.
 */
@NullMarked
package dev.meshlet.core.config.codec;

import org.jspecify.annotations.NullMarked;
