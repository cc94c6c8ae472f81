package dev.meshlet.routing;

/**
 * Envoy's response flags, as Istio's metrics and access logs carry them: why a call failed or
 * was altered by the mesh rather than by the destination.
 */
public enum ResponseFlag {
  /** No route matched the request. */
  NR("no route"),
  /** No cluster: the route names a destination host or subset that does not exist. */
  NC("no cluster found"),
  /** No healthy upstream: every endpoint is ejected, or there is none. */
  UH("no healthy upstream"),
  /** Upstream connection failure. */
  UF("upstream connection failure"),
  /** Upstream overflow: a connection pool or pending-request limit was reached (circuit breaking). */
  UO("upstream overflow"),
  /** Upstream retry limit exceeded. */
  URX("upstream retry limit exceeded"),
  /** Upstream request timeout. */
  UT("upstream request timeout"),
  /** Downstream connection termination: the caller went away (cancelled). */
  DC("downstream connection termination"),
  /** Fault injection aborted the request. */
  FI("fault injected abort"),
  /** Fault injection delayed the request. */
  DI("fault injected delay"),
  /** The upstream connection was reset. */
  UR("upstream reset"),
  /** Denied by the mesh's authorization. */
  RBAC("denied by authorization");

  private final String description;

  ResponseFlag(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
