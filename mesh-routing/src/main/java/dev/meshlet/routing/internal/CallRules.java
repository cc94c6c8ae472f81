package dev.meshlet.routing.internal;

import dev.meshlet.routing.CallOptions;
import dev.meshlet.routing.MeshHeaders;
import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.retry.Failure;
import dev.meshlet.routing.route.CompiledRoute;
import java.util.Set;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/** The rules a call's tries follow that depend only on the request and the route: idempotency and deadline. */
final class CallRules {
  /** No deadline: the route has no timeout and the application passed none. */
  static final long NO_DEADLINE = Long.MAX_VALUE;

  private CallRules() {}

  /**
   * Whether the call may run twice: what the application tagged ({@link CallOptions}), else not
   * for a one-shot body, else what the route's VirtualService declares, else by method.
   */
  static boolean idempotent(Request request, CompiledRoute route, Set<String> nonIdempotentMethods) {
    CallOptions options = CallOptions.of(request);
    if (options != null && options.idempotent() != null) {
      return options.idempotent();
    }
    if (request.body() != null && request.body().isOneShot()) {
      return false; // it cannot be sent twice anyway
    }
    return route.idempotent() || !nonIdempotentMethods.contains(request.method());
  }

  /**
   * The call's deadline in clock millis: the route's timeout from {@code now}, cut down to the
   * {@link MeshHeaders#DEADLINE_MS} the application set (the deadline of the call it serves).
   */
  static long deadline(long now, CompiledRoute route, Request upstream) {
    long deadline = route.timeout() == null ? NO_DEADLINE : now + route.timeout().toMillis();
    String propagated = upstream.header(MeshHeaders.DEADLINE_MS);
    if (propagated != null) {
      try {
        long ms = Long.parseLong(propagated.trim());
        if (ms >= 0) {
          deadline = Math.min(deadline, now + ms);
        }
      } catch (NumberFormatException ignored) {
        // Not ours to fail a call over a malformed header; it is replaced below.
      }
    }
    return deadline;
  }

  static String describe(Failure kind, @Nullable Endpoint endpoint) {
    String where = endpoint == null ? "" : " to " + endpoint.hostPort();
    return switch (kind) {
      case CONNECT_FAILURE -> "connection" + where + " failed";
      case REFUSED_STREAM -> "stream refused" + where;
      case RESET -> "connection" + where + " reset before a response";
      case PER_TRY_TIMEOUT -> "try" + where + " timed out";
    };
  }

}
