/**
 * The discovery server's certificate authority service: signs a CSR only for the identity the
 * caller's credential proves, and gives the server its own certificate.
 */
@NullMarked
package dev.meshlet.discovery.ca;

import org.jspecify.annotations.NullMarked;
