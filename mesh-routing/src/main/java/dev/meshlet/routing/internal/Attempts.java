package dev.meshlet.routing.internal;

import dev.meshlet.routing.CallOptions;
import dev.meshlet.routing.MeshCallException;
import dev.meshlet.routing.MeshCallListener;
import dev.meshlet.routing.MeshHeaders;
import dev.meshlet.routing.ResponseFlag;
import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.retry.Failure;
import dev.meshlet.routing.retry.RetryBudget;
import dev.meshlet.routing.retry.RetryPolicy;
import dev.meshlet.routing.route.CompiledRoute;
import dev.meshlet.routing.route.RouteRequest;
import dev.meshlet.routing.route.RouteTarget;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * The tries of one call toward one cluster: the route's timeout bounds them all, each has its own
 * per-try timeout, retryOn decides what is retried, a retry avoids the endpoints already tried,
 * waits a jittered backoff, and needs the retry budget's leave. A call that may not run twice
 * (POST, PATCH, or what the application marks) is not retried once its request may have reached
 * the server, unless the application or the route says it is idempotent.
 */
final class Attempts {
  private static final long NO_DEADLINE = Long.MAX_VALUE;

  private final MeshContext ctx;
  private final OkHttpClient client;
  private final OkHttpClient clientNoRetry;
  private final Call outer;
  private final String authority;
  private final CompiledRoute route;
  private final Cluster cluster;
  private final RouteTarget target;
  private final RouteRequest routeRequest;
  private final Request upstream;
  private final Set<ResponseFlag> flags;
  private final boolean idempotent;
  private int count;

  Attempts(MeshContext ctx, OkHttpClient client, OkHttpClient clientNoRetry, Call outer, String authority,
      CompiledRoute route, Cluster cluster, RouteTarget target, RouteRequest routeRequest, Request upstream,
      Set<ResponseFlag> flags) {
    this.ctx = ctx;
    this.client = client;
    this.clientNoRetry = clientNoRetry;
    this.outer = outer;
    this.authority = authority;
    this.route = route;
    this.cluster = cluster;
    this.target = target;
    this.routeRequest = routeRequest;
    this.upstream = upstream;
    this.flags = flags;
    this.idempotent = idempotent(upstream, route, ctx.nonIdempotentMethods);
  }

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

  int attemptCount() {
    return count;
  }

  Response execute() throws IOException {
    RetryPolicy policy = route.retry();
    long deadline = deadline(ctx.clock.millis());
    RetryBudget budget = ctx.budget(cluster.service().fqdn());
    budget.deposit();
    List<Endpoint> tried = new ArrayList<>(2);
    int port = target.port() != null ? target.port() : upstream.url().port();
    while (true) {
      count++;
      if (outer.isCanceled()) {
        throw failure(ResponseFlag.DC, "the call was cancelled", null);
      }
      long now = ctx.clock.millis();
      long remaining = deadline == NO_DEADLINE ? NO_DEADLINE : deadline - now;
      if (remaining <= 0) {
        throw failure(ResponseFlag.UT, "timeout " + route.timeout() + " spent after " + (count - 1) + " tries", null);
      }
      long tryTimeout = policy.perTryTimeout() == null ? remaining : Math.min(policy.perTryTimeout().toMillis(), remaining);
      Endpoint endpoint = null;
      Request.Builder rb = upstream.newBuilder();
      if (!cluster.service().originalDestination()) {
        List<Endpoint> endpoints = cluster.endpoints(port);
        endpoint = cluster.picker().pick(endpoints, policy.ignorePreviousHosts() ? tried : List.of(), routeRequest);
        if (endpoint == null) {
          throw failure(ResponseFlag.UH, "no endpoint of " + cluster.name() + " to send to", null);
        }
        tried.add(endpoint);
        rb.url(upstream.url().newBuilder().host(endpoint.address()).port(endpoint.port()).build());
      }
      if (tryTimeout != NO_DEADLINE) {
        rb.header(MeshHeaders.DEADLINE_MS, Long.toString(tryTimeout));
      }
      AttemptTracker tracker = new AttemptTracker();
      rb.tag(AttemptTracker.class, tracker);
      Call call = (idempotent ? client : clientNoRetry).newCall(rb.build());
      if (tryTimeout != NO_DEADLINE) {
        call.timeout().timeout(tryTimeout, TimeUnit.MILLISECONDS);
      }
      long started = System.nanoTime();
      if (endpoint != null) {
        cluster.picker().started(endpoint);
      }
      Response response;
      try {
        response = call.execute();
      } catch (IOException e) {
        boolean timedOut = e instanceof InterruptedIOException;
        Failure kind = Failure.classify(e, tracker.requestStarted(), timedOut);
        if (endpoint != null) {
          cluster.picker().finished(endpoint, 0, true);
        }
        listen(endpoint, 0, e, started);
        if (deadline != NO_DEADLINE && ctx.clock.millis() >= deadline) {
          throw failure(ResponseFlag.UT, "timeout " + route.timeout() + " spent after " + count + " tries", e);
        }
        boolean mayRetry = policy.retriable(kind) && (idempotent || !kind.mayHaveReachedServer());
        if (!mayRetry || count > policy.retries() || !budget.tryWithdraw()) {
          ResponseFlag flag = mayRetry ? ResponseFlag.URX : switch (kind) {
            case CONNECT_FAILURE -> ResponseFlag.UF;
            case PER_TRY_TIMEOUT -> ResponseFlag.UT;
            case RESET, REFUSED_STREAM -> ResponseFlag.UR;
          };
          String why = describe(kind, endpoint) + (mayRetry ? " (" + count + " tries, retries exhausted or over budget)"
              : !policy.retriable(kind) || policy.retries() == 0 ? "" : " (not retried: the request may have reached the server and "
                  + upstream.method() + " is not idempotent)");
          throw failure(flag, why, e);
        }
        backoff(policy, deadline);
        continue;
      }
      if (endpoint != null) {
        cluster.picker().finished(endpoint, response.code(), false);
      }
      listen(endpoint, response.code(), null, started);
      if (!policy.retriable(response.code(), response.headers())) {
        return response;
      }
      // The server answered, so it had the request: only idempotent calls go again.
      if (!idempotent) {
        return response;
      }
      if (count > policy.retries() || !budget.tryWithdraw()) {
        flags.add(ResponseFlag.URX);
        return response;
      }
      response.close();
      backoff(policy, deadline);
    }
  }

  private long deadline(long now) {
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

  private void backoff(RetryPolicy policy, long deadline) throws IOException {
    long pause = policy.backoffMillis(count, ctx.random);
    if (deadline != NO_DEADLINE) {
      pause = Math.min(pause, Math.max(0, deadline - ctx.clock.millis()));
    }
    if (pause <= 0) {
      return;
    }
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(ResponseFlag.DC, "interrupted while backing off", new InterruptedIOException());
    }
  }

  private static String describe(Failure kind, @Nullable Endpoint endpoint) {
    String where = endpoint == null ? "" : " to " + endpoint.hostPort();
    return switch (kind) {
      case CONNECT_FAILURE -> "connection" + where + " failed";
      case REFUSED_STREAM -> "stream refused" + where;
      case RESET -> "connection" + where + " reset before a response";
      case PER_TRY_TIMEOUT -> "try" + where + " timed out";
    };
  }

  private MeshCallException failure(ResponseFlag flag, String reason, @Nullable Throwable cause) {
    return new MeshCallException(flag, authority, route.name(), cluster.name(), reason, cause);
  }

  private void listen(@Nullable Endpoint endpoint, int status, @Nullable Throwable failure, long startedNanos) {
    try {
      ctx.listener.onAttempt(new MeshCallListener.Attempt(authority, route.name(), cluster.name(),
          endpoint == null ? null : endpoint.hostPort(), count, status, failure,
          Duration.ofNanos(System.nanoTime() - startedNanos)));
    } catch (RuntimeException ignored) {
      // Telemetry must never fail a call.
    }
  }
}
