package dev.meshlet.routing.internal;

import dev.meshlet.tls.client.ClientTls;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import dev.meshlet.routing.CallOptions;
import dev.meshlet.routing.MeshCallException;
import dev.meshlet.routing.MeshCallListener;
import dev.meshlet.routing.MeshHeaders;
import dev.meshlet.routing.ResponseFlag;
import dev.meshlet.routing.endpoint.Endpoint;
import dev.meshlet.routing.lb.EndpointFilter;
import dev.meshlet.routing.lb.LoadBalancer;
import dev.meshlet.routing.lb.Pick;
import dev.meshlet.routing.outlier.OutlierDetector;
import dev.meshlet.routing.pool.OverflowException;
import dev.meshlet.routing.pool.Permit;
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
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
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
  private static final long NO_DEADLINE = CallRules.NO_DEADLINE;

  private final MeshContext ctx;
  private final AttemptClients clients;
  private final Cancellations cancellations;
  private final Interceptor.Chain chain;
  private final Call outer;
  private final String authority;
  private final CompiledRoute route;
  private final Cluster cluster;
  private final RouteTarget target;
  private final RouteRequest routeRequest;
  private final Request upstream;
  /** The Host header each try sets, when {@code upstream} is the application's request as it is; else null. */
  private final @Nullable String hostHeader;
  private final Set<ResponseFlag> flags;
  private final boolean idempotent;
  /** Whether {@code upstream} carries a Host or deadline header already: else a try adds its own without a removal. */
  private final boolean hasHost;
  private final boolean hasDeadline;
  private int count;
  private @Nullable Permit retryPermit;
  private @Nullable String setCookie;
  private @Nullable CallDeadline bodyDeadline;

  Attempts(MeshContext ctx, AttemptClients clients, Cancellations cancellations, Interceptor.Chain chain,
      String authority,
      CompiledRoute route, Cluster cluster, RouteTarget target, RouteRequest routeRequest, Request upstream,
      @Nullable String hostHeader, Set<ResponseFlag> flags) {
    this.ctx = ctx;
    this.clients = clients;
    this.cancellations = cancellations;
    this.chain = chain;
    this.outer = chain.call();
    this.authority = authority;
    this.route = route;
    this.cluster = cluster;
    this.target = target;
    this.routeRequest = routeRequest;
    this.upstream = upstream;
    this.hostHeader = hostHeader;
    this.flags = flags;
    this.idempotent = CallRules.idempotent(upstream, route, ctx.nonIdempotentMethods);
    boolean host = false;
    boolean deadline = false;
    Headers headers = upstream.headers();
    for (int i = 0, n = headers.size(); i < n; i++) {
      String name = headers.name(i);
      host |= name.equalsIgnoreCase("Host");
      deadline |= name.equalsIgnoreCase(MeshHeaders.DEADLINE_MS);
    }
    this.hasHost = host;
    this.hasDeadline = deadline;
  }

  /**
   * The route deadline still running for the returned response's body (a try on the
   * application's call), which the caller must end when the body closes (see
   * {@link CallDeadline#coverBody}); null when none.
   */
  @Nullable CallDeadline bodyDeadline() {
    return bodyDeadline;
  }

  int attemptCount() {
    return count;
  }

  Response execute() throws IOException {
    try {
      return run();
    } finally {
      releaseRetry();
    }
  }

  private Response run() throws IOException {
    RetryPolicy policy = route.retry();
    long deadline = CallRules.deadline(ctx.clock.millis(), route, upstream);
    RetryBudget budget = ctx.budget(cluster.service().fqdn());
    budget.deposit();
    List<Endpoint> tried = List.of(); // a list of its own only once a retry adds to it
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
      String hostPort = null;
      Request.Builder rb = upstream.newBuilder();
      if (hostHeader != null) {
        if (hasHost) {
          rb.header("Host", hostHeader);
        } else {
          rb.addHeader("Host", hostHeader);
        }
      }
      ClientTls tls = cluster.tls;
      if (!cluster.service().originalDestination()) {
        endpoint = pick(policy, tried);
        if (tried.isEmpty()) {
          tried = List.of(endpoint);
        } else {
          tried = new ArrayList<>(tried);
          tried.add(endpoint);
        }
        tls = cluster.tls(endpoint);
        EndpointUrls urls = cluster.urls(endpoint);
        rb.url(urls.dial(upstream.url(), tls.isTls()));
        hostPort = urls.hostPort();
      } else if (tls.isTls() && !upstream.url().isHttps()) {
        // TLS origination toward the host asked for: same port, OkHttp only speaks TLS to https.
        rb.url(upstream.url().newBuilder().scheme("https").port(upstream.url().port()).build());
      }
      if (tryTimeout != NO_DEADLINE) {
        if (hasDeadline) {
          rb.header(MeshHeaders.DEADLINE_MS, Long.toString(tryTimeout));
        } else {
          rb.addHeader(MeshHeaders.DEADLINE_MS, Long.toString(tryTimeout));
        }
      }
      AttemptTracker tracker = new AttemptTracker(cluster.policy.pool().maxRequestsPerConnection());
      rb.tag(AttemptTracker.TAG, tracker);
      Permit permit = acquire(Math.min(tryTimeout, cluster.policy.pool().connectTimeout().toMillis()));
      // From here on the attempt is sent: the listener may add its trace headers, and hears how it ends.
      MeshCallListener.AttemptObserver observer = Listening.start(ctx.listener, new MeshCallListener.AttemptStart(
          authority, route.name(), cluster.name(), endpoint, count, routeRequest.request(), upstream.headers()), rb);
      // A try on the application's own call unless it needs its own timeout: one shorter than the
      // call's deadline, after which another try may follow (the deadline cancels the whole call).
      boolean onApplicationCall = tryTimeout == remaining;
      Request attempt = rb.build();
      CallDeadline callDeadline = onApplicationCall && tryTimeout != NO_DEADLINE ? new CallDeadline(outer, tryTimeout) : null;
      Call call = null;
      if (!onApplicationCall) {
        call = clients.client(cluster.policy.pool().connectTimeout(), idempotent, tls).newCall(attempt);
        call.timeout().timeout(tryTimeout, TimeUnit.MILLISECONDS);
      }
      long started = System.nanoTime();
      if (endpoint != null) {
        cluster.state.balancers().activeRequests().start(endpoint);
      }
      Response response;
      if (call != null) {
        cancellations.started(outer, call);
      } else if (callDeadline != null) {
        callDeadline.enter();
      }
      try {
        response = call != null ? call.execute() : onApplicationCall(tls, attempt);
      } catch (IOException e) {
        if (call != null) {
          cancellations.finished(outer);
        } else if (callDeadline != null) {
          callDeadline.exit();
          if (callDeadline.passed()) {
            finished(endpoint, permit, 0);
            listen(observer, hostPort, 0, e, null, started);
            throw failure(ResponseFlag.UT, "timeout " + route.timeout() + " spent after " + count + " tries", e);
          }
        }
        if (outer.isCanceled()) {
          finished(endpoint, permit, -1);
          listen(observer, hostPort, 0, e, null, started);
          throw failure(ResponseFlag.DC, "the call was cancelled", e);
        }
        if (tls.isTls() && e instanceof SSLException ssl) {
          // The handshake or the peer's identity failed: another try would meet the same certificate.
          finished(endpoint, permit, 0);
          listen(observer, hostPort, 0, e, null, started);
          throw failure(ResponseFlag.UF, "TLS (" + tls.mode() + (tls.automatic() ? ", auto mTLS" : "") + ") to "
              + (endpoint == null ? upstream.url().host() + ":" + upstream.url().port() : endpoint.hostPort())
              + " failed: " + tlsReason(ssl, tls), e);
        }
        boolean timedOut = e instanceof InterruptedIOException;
        Failure kind = Failure.classify(e, tracker.requestStarted(), timedOut);
        finished(endpoint, permit, 0);
        listen(observer, hostPort, 0, e, null, started);
        if (deadline != NO_DEADLINE && ctx.clock.millis() >= deadline) {
          throw failure(ResponseFlag.UT, "timeout " + route.timeout() + " spent after " + count + " tries", e);
        }
        boolean mayRetry = policy.retriable(kind) && (idempotent || !kind.mayHaveReachedServer());
        if (!mayRetry || count > policy.retries() || !budget.tryWithdraw() || !takeRetryPermit()) {
          ResponseFlag flag = mayRetry ? ResponseFlag.URX : switch (kind) {
            case CONNECT_FAILURE -> ResponseFlag.UF;
            case PER_TRY_TIMEOUT -> ResponseFlag.UT;
            case RESET, REFUSED_STREAM -> ResponseFlag.UR;
          };
          String why = CallRules.describe(kind, endpoint) + (mayRetry ? " (" + count + " tries, retries exhausted or over budget)"
              : !policy.retriable(kind) || policy.retries() == 0 ? "" : " (not retried: the request may have reached the server and "
                  + upstream.method() + " is not idempotent)");
          throw failure(flag, why, e);
        }
        backoff(policy, deadline);
        continue;
      }
      if (call != null) {
        cancellations.finished(outer);
      }
      bodyDeadline = callDeadline;
      finished(endpoint, permit, response.code());
      listen(observer, hostPort, response.code(), null, response, started);
      if (!policy.retriable(response.code(), response.headers())) {
        return withCookie(response);
      }
      // The server answered, so it had the request: only idempotent calls go again.
      if (!idempotent) {
        return withCookie(response);
      }
      if (count > policy.retries() || !budget.tryWithdraw() || !takeRetryPermit()) {
        flags.add(ResponseFlag.URX);
        return withCookie(response);
      }
      response.close();
      if (callDeadline != null) {
        callDeadline.exit();
        bodyDeadline = null;
      }
      backoff(policy, deadline);
    }
  }

  /**
   * Sends one try down the application's own chain: below the mesh's interceptor it meets only
   * OkHttp's own steps and network interceptors, on the application's pool. What differs from the
   * application's client is set on the chain: the destination's connect timeout and TLS, and no
   * silent replay on a failed connection for a call that may not run twice.
   */
  private Response onApplicationCall(ClientTls tls, Request attempt) throws IOException {
    Interceptor.Chain c = chain;
    int connectTimeout = (int) cluster.policy.pool().connectTimeout().toMillis();
    if (connectTimeout != c.connectTimeoutMillis()) {
      c = c.withConnectTimeout(connectTimeout, TimeUnit.MILLISECONDS);
    }
    if (!idempotent && c.getRetryOnConnectionFailure()) {
      c = c.withRetryOnConnectionFailure(false);
    }
    if (tls.isTls()) {
      c = c.withSslSocketFactory(Objects.requireNonNull(tls.sslSocketFactory()), Objects.requireNonNull(tls.trustManager()));
      if (tls.hostnameVerifier() != null) {
        c = c.withHostnameVerifier(tls.hostnameVerifier());
      }
    }
    return c.proceed(attempt);
  }

  /** Why a TLS connection failed, naming the SPIFFE IDs the cluster's server may have when that was the check. */
  private String tlsReason(SSLException e, ClientTls tls) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof SSLPeerUnverifiedException && tls.isMeshMtls()) {
      return "the server's SPIFFE ID is not one the destination may have (expected: "
          + (cluster.allowedPeers.isEmpty() ? "any of the trust domain" : "one of " + cluster.allowedPeers) + "): " + message;
    }
    return message;
  }

  /** An endpoint for this try: healthy (not ejected), and not one tried before when the policy says so. */
  private Endpoint pick(RetryPolicy policy, List<Endpoint> tried) throws MeshCallException {
    OutlierDetector outlier = cluster.outlier;
    EndpointFilter healthy = EndpointFilter.NONE;
    if (outlier != null) {
      cluster.state.maybeSweep(outlier);
      healthy = outlier.filter();
    }
    LoadBalancer balancer = cluster.balancer;
    if (balancer == null) {
      throw failure(ResponseFlag.UH, "no endpoint of " + cluster.name() + " to send to", null);
    }
    Pick pick = null;
    if (policy.ignorePreviousHosts() && !tried.isEmpty()) {
      pick = balancer.pick(upstream, ctx.sourceAddress, healthy.or(tried::contains));
    }
    if (pick == null) {
      pick = balancer.pick(upstream, ctx.sourceAddress, healthy);
    }
    if (pick == null) {
      throw failure(ResponseFlag.UH, "all " + cluster.endpoints.size() + " endpoints of " + cluster.name()
          + " are ejected by outlier detection", null);
    }
    if (pick.setCookie() != null) {
      setCookie = pick.setCookie();
    }
    return pick.endpoint();
  }

  private Permit acquire(long maxWaitMillis) throws MeshCallException {
    try {
      return cluster.limiter.acquire(maxWaitMillis, clients.multiplexed());
    } catch (OverflowException e) {
      throw failure(ResponseFlag.UO, e.getMessage(), e);
    } catch (InterruptedIOException e) {
      throw failure(ResponseFlag.DC, "interrupted while waiting for a connection", e);
    }
  }

  /** Takes a permit of the destination's {@code maxRetries}, held until the retry's try ends. */
  private boolean takeRetryPermit() {
    retryPermit = cluster.limiter.tryAcquireRetry();
    return retryPermit != null;
  }

  private void releaseRetry() {
    Permit p = retryPermit;
    retryPermit = null;
    if (p != null) {
      p.release();
    }
  }

  private void finished(@Nullable Endpoint endpoint, Permit permit, int status) {
    permit.release();
    releaseRetry();
    if (endpoint == null) {
      return;
    }
    cluster.state.balancers().activeRequests().finish(endpoint);
    OutlierDetector outlier = cluster.outlier;
    if (outlier != null && status >= 0) { // a cancelled try says nothing of the endpoint
      if (status == 0) {
        outlier.onLocalOriginFailure(endpoint);
      } else {
        outlier.onResponse(endpoint, status);
      }
    }
  }

  private Response withCookie(Response response) {
    return setCookie == null ? response : response.newBuilder().addHeader("Set-Cookie", setCookie).build();
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

  private MeshCallException failure(ResponseFlag flag, String reason, @Nullable Throwable cause) {
    return new MeshCallException(flag, authority, route.name(), cluster.name(), reason, cause);
  }

  private void listen(MeshCallListener.AttemptObserver observer, @Nullable String hostPort, int status,
      @Nullable Throwable failure, @Nullable Response response, long startedNanos) {
    Listening.ended(observer, status, failure, response);
    try {
      ctx.listener.onAttempt(new MeshCallListener.Attempt(authority, route.name(), cluster.name(),
          hostPort, count, status, failure,
          Duration.ofNanos(System.nanoTime() - startedNanos)));
    } catch (RuntimeException ignored) {
      // Telemetry must never fail a call.
    }
  }
}
