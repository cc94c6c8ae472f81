/**
 * Pushing config and endpoints to agents: what each agent may see ({@link
 * dev.meshlet.discovery.push.AgentScope}), the watch streams and their deltas, ACK/NACK and the
 * per-agent status ({@link dev.meshlet.discovery.push.PushHub}).
 */
@NullMarked
package dev.meshlet.discovery.push;

import org.jspecify.annotations.NullMarked;
