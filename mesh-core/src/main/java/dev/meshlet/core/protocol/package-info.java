/**
 * The messages an agent and the discovery server exchange over HTTP with JSON (see
 * {@code docs/protocol.md}): registration and leases, the watch stream's events, ACK/NACK and
 * the status the server keeps per agent. They live in core so the agent needs no server code.
 */
@NullMarked
package dev.meshlet.core.protocol;

import org.jspecify.annotations.NullMarked;
