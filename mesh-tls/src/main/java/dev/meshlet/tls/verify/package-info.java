/** Peer verification for mesh traffic: the SPIFFE trust manager, allowed peers and the verified peer identity. */
@NullMarked
package dev.meshlet.tls.verify;

import org.jspecify.annotations.NullMarked;
