/**
 * The inbound chain on Jetty 12's core Handler API: PERMISSIVE on one port with Jetty's detector
 * connection factory, HTTP/2 where Jetty's optional modules are present.
 */
@NullMarked
package dev.meshlet.agent.server.jetty;

import org.jspecify.annotations.NullMarked;
