/** The request path of the mesh-wrapped OkHttp client; not API. */
@NullMarked
package dev.meshlet.routing.internal;

import org.jspecify.annotations.NullMarked;
