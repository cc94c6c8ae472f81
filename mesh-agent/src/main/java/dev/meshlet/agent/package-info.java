/**
 * The in-process runtime a service touches: the {@code Mesh} facade, annotation bootstrap, config
 * and certificate sync, inbound server adapters and the admin endpoint.
 */
@NullMarked
package dev.meshlet.agent;

import org.jspecify.annotations.NullMarked;
