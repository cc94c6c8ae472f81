/**
 * Inbound mutual TLS modes: PeerAuthentication resolved with Istio's scopes (mesh, namespace,
 * workload, port) into one compiled value per workload.
 */
@NullMarked
package dev.meshlet.tls.mode;

import org.jspecify.annotations.NullMarked;
