/**
 * The agent inside each service that talks to the discovery server (see
 * {@code docs/protocol.md}): it registers the workload and renews its lease, holds one watch
 * stream with failover across servers and resume from the version it has, validates each pushed
 * view as local files are validated, hands it to the {@link
 * dev.meshlet.agent.discovery.CentralConfigListener} (the Mesh facade), answers ACK or NACK, and
 * keeps the last acknowledged view on disk so a service starts while the control plane is down.
 */
@NullMarked
package dev.meshlet.agent.discovery;

import org.jspecify.annotations.NullMarked;
