/** Meshlet's mTLS: SPIFFE identities, the certificate authority, rotating workload certificates and peer verification. */
@NullMarked
package dev.meshlet.tls;

import org.jspecify.annotations.NullMarked;
