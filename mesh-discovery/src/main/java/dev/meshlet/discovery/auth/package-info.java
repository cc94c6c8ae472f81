/**
 * Who may do what on the discovery server: the admin token (writes, reads, token grants) and
 * bootstrap tokens bound to one workload identity (registration, watch, ACK).
 */
@NullMarked
package dev.meshlet.discovery.auth;

import org.jspecify.annotations.NullMarked;
