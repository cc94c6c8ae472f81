/** Where config comes from: a watched directory of YAML files here; the discovery server elsewhere. */
@NullMarked
package dev.meshlet.core.config.source;

import org.jspecify.annotations.NullMarked;
