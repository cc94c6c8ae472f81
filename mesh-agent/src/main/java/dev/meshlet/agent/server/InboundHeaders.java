package dev.meshlet.agent.server;

/**
 * The headers the inbound chain reads or writes. The deadline and response-flag names are those
 * of {@code dev.meshlet.routing.MeshHeaders} (the client side sets the deadline; this side honours
 * it); they are repeated here until that class reaches this branch.
 */
public final class InboundHeaders {

  /** On a request: the milliseconds the caller still waits for the answer (relative, so clock skew does not matter). */
  public static final String DEADLINE_MS = "x-meshlet-deadline-ms";

  /** On a response the mesh made: Envoy's response flags ({@code RBAC}, {@code UT}). */
  public static final String RESPONSE_FLAGS = "x-meshlet-response-flags";

  /** On a 403 from authorization: why, naming the policy and rule (or that no ALLOW policy matched). */
  public static final String AUTHZ_REASON = "x-meshlet-authz-reason";

  /** On a 403 from authorization: {@code namespace/name} of the policy that denied, when one did. */
  public static final String AUTHZ_POLICY = "x-meshlet-authz-policy";

  private InboundHeaders() {}
}
