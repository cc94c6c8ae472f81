/** The certificate authority: a root made on first start or the operator's Istio cacerts, and CSR signing. */
@NullMarked
package dev.meshlet.tls.ca;

import org.jspecify.annotations.NullMarked;
