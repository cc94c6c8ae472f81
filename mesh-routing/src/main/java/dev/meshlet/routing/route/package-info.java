/** Route tables compiled from VirtualServices: matching, destinations, rewrites, redirects, direct responses and header edits. */
@NullMarked
package dev.meshlet.routing.route;

import org.jspecify.annotations.NullMarked;
