/** Host resolution: which service a request's authority names, and what the caller may reach. */
@NullMarked
package dev.meshlet.routing.resolve;

import org.jspecify.annotations.NullMarked;
