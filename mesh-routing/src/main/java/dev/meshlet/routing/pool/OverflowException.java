package dev.meshlet.routing.pool;

import dev.meshlet.routing.ResponseFlag;
import java.io.IOException;

/**
 * A call refused because a connection pool limit of its destination was reached (Envoy's
 * circuit breaking, response flag UO). An {@link IOException}, so it travels through OkHttp's
 * interceptor chain to the caller as any failed call does.
 */
public final class OverflowException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String destination;
  private final String limit;

  OverflowException(String destination, String limit, int value) {
    super("upstream overflow (UO): " + destination + ": connectionPool." + limit + " " + value + " reached");
    this.destination = destination;
    this.limit = limit;
  }

  /** Always {@link ResponseFlag#UO}. */
  public ResponseFlag responseFlag() {
    return ResponseFlag.UO;
  }

  /** The destination whose limit was reached. */
  public String destination() {
    return destination;
  }

  /** The limit reached, as its field name ({@code tcp.maxConnections}). */
  public String limit() {
    return limit;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // a flow-control signal on the hot path: no stack trace to capture
  }
}
