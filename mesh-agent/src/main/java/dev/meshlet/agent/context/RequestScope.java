package dev.meshlet.agent.context;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Makes a {@link RequestContext} the current one on this thread until closed: a server adapter
 * opens it around the application's handler, and the mesh's clients read {@link #current()} to
 * carry the trace context and deadline on.
 *
 * <pre>{@code
 * RequestContext ctx = RequestContext.fromHeaders(exchange.getRequestHeaders()::getFirst, clock);
 * try (RequestScope scope = RequestScope.open(ctx)) {
 *   handler.handle(exchange);   // outbound calls made here carry ctx
 * }
 * }</pre>
 *
 * <p>Scopes nest: closing one restores the context that was current when it was opened. The
 * thread-local is the one piece of static state in Meshlet, for the reason OpenTelemetry's and
 * gRPC's contexts have one: a server of one mesh and a client of another meet only on the thread
 * that serves the request. It holds nothing once every scope is closed.
 */
public final class RequestScope implements AutoCloseable {
  private static final ThreadLocal<@Nullable RequestContext> CURRENT = new ThreadLocal<>();

  private final @Nullable RequestContext previous;
  private final RequestContext context;
  private final Thread owner;
  private boolean closed;

  private RequestScope(@Nullable RequestContext previous, RequestContext context) {
    this.previous = previous;
    this.context = context;
    this.owner = Thread.currentThread();
  }

  /** Makes {@code context} current on this thread until the returned scope is closed. */
  public static RequestScope open(RequestContext context) {
    Objects.requireNonNull(context, "context");
    RequestScope scope = new RequestScope(CURRENT.get(), context);
    CURRENT.set(context);
    return scope;
  }

  /** The context of the request this thread serves, or null outside any scope. */
  public static @Nullable RequestContext current() {
    return CURRENT.get();
  }

  /** The context this scope made current. */
  public RequestContext context() {
    return context;
  }

  /** Restores the context current before this scope; a second close does nothing. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException("RequestScope opened on " + owner.getName() + " closed on "
          + Thread.currentThread().getName() + " (expected: the thread that opened it)");
    }
    closed = true;
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
  }
}
