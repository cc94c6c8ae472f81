/** SPIFFE IDs parsed strictly, trust domains and the workload identity Istio derives from a service account. */
@NullMarked
package dev.meshlet.tls.identity;

import org.jspecify.annotations.NullMarked;
