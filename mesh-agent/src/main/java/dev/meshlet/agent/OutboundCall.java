package dev.meshlet.agent;

import dev.meshlet.routing.endpoint.Endpoint;
import io.opentelemetry.context.Context;
import kotlin.jvm.JvmClassMappingKt;
import kotlin.reflect.KClass;
import org.jspecify.annotations.Nullable;

/**
 * What the mesh's client knows of one logical call, carried as a tag of its request from the
 * outbound interceptor to telemetry's per-attempt hook and to the call's record: the parent of
 * its attempts' spans, and what the last attempt learnt of the instance that answered. The
 * attempts of a call run one after the other on one thread, so it needs no locking.
 */
final class OutboundCall {
  /** The tag's key: OkHttp's {@code tag(Class)} looks the Kotlin class up on every call. */
  static final KClass<OutboundCall> TAG = JvmClassMappingKt.getKotlinClass(OutboundCall.class);

  /** The parent of the attempts' spans; null when the application traces the call itself. */
  final @Nullable Context parent;
  /** Whether the request carries the served request's trace headers, which each attempt replaces. */
  final boolean copiedTraceHeaders;

  int attempts;
  @Nullable Endpoint endpoint;
  @Nullable String peerPrincipal;
  @Nullable String traceId;
  /** The body length of the last attempt's response when it declared one ({@code Content-Length}), else 0. */
  long responseBytes;

  OutboundCall(@Nullable Context parent, boolean copiedTraceHeaders) {
    this.parent = parent;
    this.copiedTraceHeaders = copiedTraceHeaders;
  }
}
