/**
 * The specs of Istio's {@code networking.istio.io} kinds (VirtualService, DestinationRule,
 * ServiceEntry, WorkloadEntry, Sidecar) as immutable records whose component names are Istio's
 * JSON field names.
 */
@NullMarked
package dev.meshlet.core.config.networking;

import org.jspecify.annotations.NullMarked;
