/** Fault injection (delay and abort) as a VirtualService route configures it. */
@NullMarked
package dev.meshlet.routing.fault;

import org.jspecify.annotations.NullMarked;
