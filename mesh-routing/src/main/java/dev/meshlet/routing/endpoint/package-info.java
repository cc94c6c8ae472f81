/** The endpoints a call can go to: one address and port of one workload instance. */
@NullMarked
package dev.meshlet.routing.endpoint;

import org.jspecify.annotations.NullMarked;
