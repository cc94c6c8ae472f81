/** PEM, key types, trust bundles and the SPIFFE ID inside an X.509 certificate: what the CA and workloads share. */
@NullMarked
package dev.meshlet.tls.pki;

import org.jspecify.annotations.NullMarked;
