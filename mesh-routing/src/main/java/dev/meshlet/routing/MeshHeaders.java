package dev.meshlet.routing;

/**
 * The HTTP headers Meshlet itself reads or writes on outbound calls. All are lower case, as
 * HTTP/2 writes them.
 */
public final class MeshHeaders {
  /**
   * On a response the mesh altered or made: Envoy's response flags, comma separated
   * ({@code FI}, {@code DI,URX}). Absent when the mesh did nothing worth saying.
   */
  public static final String RESPONSE_FLAGS = "x-meshlet-response-flags";

  /**
   * On a request: the milliseconds the caller will still wait for the answer, relative (as
   * gRPC's {@code grpc-timeout} and Envoy's {@code x-envoy-expected-rq-timeout-ms}), so clock
   * skew between hosts does not matter. Meshlet sets it on each attempt to the time that attempt
   * has left; when the application sets it on an outbound request (passing on the deadline of the
   * call it serves), the route's timeout is cut down to it.
   */
  public static final String DEADLINE_MS = "x-meshlet-deadline-ms";

  /** On a synthesized response: the name of the route that made it, when the route has one. */
  public static final String ROUTE = "x-meshlet-route";

  private MeshHeaders() {}
}
