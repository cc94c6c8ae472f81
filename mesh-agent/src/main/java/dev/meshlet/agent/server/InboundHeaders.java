package dev.meshlet.agent.server;

import dev.meshlet.routing.MeshHeaders;

/**
 * The headers the inbound chain reads or writes. The deadline and response-flag headers are
 * {@link MeshHeaders}' own: the client side sets the deadline, this side honours it.
 */
public final class InboundHeaders {

  /** On a request: the milliseconds the caller still waits for the answer (relative, so clock skew does not matter). */
  public static final String DEADLINE_MS = MeshHeaders.DEADLINE_MS;

  /** On a response the mesh made: Envoy's response flags ({@code RBAC}, {@code UT}). */
  public static final String RESPONSE_FLAGS = MeshHeaders.RESPONSE_FLAGS;

  /** On a 403 from authorization: why, naming the policy and rule (or that no ALLOW policy matched). */
  public static final String AUTHZ_REASON = "x-meshlet-authz-reason";

  /** On a 403 from authorization: {@code namespace/name} of the policy that denied, when one did. */
  public static final String AUTHZ_POLICY = "x-meshlet-authz-policy";

  /** On a 503 because the mesh is not ready yet: what it waits for. */
  public static final String NOT_READY = "x-meshlet-not-ready";

  private InboundHeaders() {}
}
