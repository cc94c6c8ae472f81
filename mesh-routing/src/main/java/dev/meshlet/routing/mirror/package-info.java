/** Traffic mirroring: fire-and-forget copies of requests on a bounded executor. */
@NullMarked
package dev.meshlet.routing.mirror;

import org.jspecify.annotations.NullMarked;
