/** The workload side: in-process keys, CSRs, and one SSLContext whose certificate rotates underneath it. */
@NullMarked
package dev.meshlet.tls.workload;

import org.jspecify.annotations.NullMarked;
