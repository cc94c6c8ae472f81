/**
 * The discovery server's HTTP API on Jetty 12's core handlers: config, tokens, registrations,
 * the watch stream, ACKs and status (see {@code docs/protocol.md}).
 */
@NullMarked
package dev.meshlet.discovery.api;

import org.jspecify.annotations.NullMarked;
