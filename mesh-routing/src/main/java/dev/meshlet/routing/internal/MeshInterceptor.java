package dev.meshlet.routing.internal;

import dev.meshlet.routing.MeshCallException;
import dev.meshlet.routing.MeshCallListener;
import dev.meshlet.routing.MeshHeaders;
import dev.meshlet.routing.ResponseFlag;
import dev.meshlet.routing.resolve.Service;
import dev.meshlet.routing.route.CompiledRoute;
import dev.meshlet.routing.route.RouteRequest;
import dev.meshlet.routing.route.RouteTable;
import dev.meshlet.routing.route.RouteTarget;
import dev.meshlet.routing.route.Synthetic;
import dev.meshlet.routing.fault.FaultPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;
import okhttp3.Call;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * The mesh's step in the application's OkHttp chain, last among its interceptors: resolves the
 * host, picks the route, applies faults, redirects, direct responses and rewrites, sends mirrors,
 * then runs the attempts (see {@link Attempts}): most on the application's own call, with
 * {@code chain.proceed} and the endpoint's URL; the few that need what a chain cannot set (a
 * per-try timeout shorter than the call's) as calls of their own on a client derived from the
 * application's. Redirects are followed here, through the mesh, when the application's client
 * follows them.
 */
public final class MeshInterceptor implements Interceptor {
  private static final int MAX_FOLLOW_UPS = 20;

  private final MeshContext ctx;
  private final AttemptClients clients;
  private final Cancellations cancellations = new Cancellations();
  private final boolean followRedirects;
  private final boolean followSslRedirects;
  private final CookieJar cookieJar;

  /**
   * @param base the application's client; attempts run on clients derived from it (same pool,
   *     dispatcher and network interceptors; not its application interceptors, which already ran)
   */
  public MeshInterceptor(MeshContext ctx, OkHttpClient base) {
    this.ctx = ctx;
    this.clients = new AttemptClients(base);
    this.followRedirects = base.followRedirects();
    this.followSslRedirects = base.followSslRedirects();
    this.cookieJar = base.cookieJar();
  }

  /** The network interceptor the application's wrapped client must carry, for tries on its own call. */
  public Interceptor networkInterceptor() {
    return clients.networkInterceptor();
  }

  /** The listener factory the application's wrapped client must use, so cancelling a call cancels its attempt. */
  public okhttp3.EventListener.Factory eventListenerFactory(okhttp3.EventListener.Factory application) {
    return cancellations.wrap(application);
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    for (int followUps = 0; ; followUps++) {
      Response response = withCookies(request, chain);
      if (!followRedirects || followUps >= MAX_FOLLOW_UPS) {
        return response;
      }
      Request next = FollowUps.redirect(response, request, followSslRedirects);
      if (next == null) {
        return response;
      }
      response.close();
      request = next;
    }
  }

  /** The application's cookie jar, applied to the logical URL as OkHttp's bridge would. */
  private Response withCookies(Request request, Chain chain) throws IOException {
    if (cookieJar == CookieJar.NO_COOKIES) {
      return exchange(request, chain);
    }
    HttpUrl url = request.url();
    List<Cookie> cookies = cookieJar.loadForRequest(url);
    if (!cookies.isEmpty() && request.header("Cookie") == null) {
      StringBuilder sb = new StringBuilder();
      for (Cookie c : cookies) {
        sb.append(sb.length() == 0 ? "" : "; ").append(c.name()).append('=').append(c.value());
      }
      request = request.newBuilder().header("Cookie", sb.toString()).build();
    }
    Response response = exchange(request, chain);
    List<Cookie> received = Cookie.parseAll(url, response.headers());
    if (!received.isEmpty()) {
      cookieJar.saveFromResponse(url, received);
    }
    return response;
  }

  /** One logical exchange: resolve, route, and answer (without following redirects). */
  private Response exchange(Request request, Chain chain) throws IOException {
    Call outer = chain.call();
    long start = System.nanoTime();
    CompiledMesh mesh = ctx.current();
    String authority = RouteRequest.authority(request);
    Service service = mesh.directory.resolve(authority);
    if (service == null) {
      if (mesh.directory.registryOnly()) {
        throw fail(start, request, authority, null, null, ResponseFlag.NR,
            "host " + authority + " is not a known service and " + mesh.directory.sidecarName()
                + " sets outboundTrafficPolicy REGISTRY_ONLY", null);
      }
      return passThrough(chain, request, authority, start);
    }
    RouteRequest rr = RouteRequest.of(request, authority);
    RouteTable table = mesh.table(service);
    RouteTable.Match match = table.match(rr);
    if (match == null) {
      throw fail(start, request, authority, null, null, ResponseFlag.NR,
          "no route of " + (table.virtualService() == null ? service.fqdn() : "VirtualService " + table.virtualService())
              + " matches " + request.method() + " " + rr.path(), null);
    }
    CompiledRoute route = match.route();
    if (route.directResponse() != null) {
      return finish(start, request, authority, route, null, editResponse(route, null,
          route.directResponse().respond(request, route.name())), EnumSet.noneOf(ResponseFlag.class), 0);
    }
    if (route.redirect() != null) {
      return finish(start, request, authority, route, null, editResponse(route, null,
          route.redirect().respond(rr, route.name())), EnumSet.noneOf(ResponseFlag.class), 0);
    }
    Set<ResponseFlag> flags = EnumSet.noneOf(ResponseFlag.class);
    FaultPolicy fault = route.fault();
    if (fault != null) {
      long delay = fault.delayMillis(ctx.random);
      if (delay > 0) {
        flags.add(ResponseFlag.DI);
        sleep(delay, outer, authority, route.name());
      }
      if (fault.aborts(ctx.random)) {
        flags.add(ResponseFlag.FI);
        Response.Builder b = Synthetic.response(request, fault.abortStatus(), "fault filter abort".getBytes(), null,
            route.name(), null);
        if (fault.grpcStatus() != null) {
          b.header("grpc-status", fault.grpcStatus());
        }
        return finish(start, request, authority, route, null, withFlags(b.build(), flags), flags, 0);
      }
    }
    RouteTarget target = route.pick(ctx.random);
    Cluster cluster;
    try {
      cluster = target == null ? null
          : mesh.cluster(target.host(), target.subset(), target.port() != null ? target.port() : request.url().port());
    } catch (IllegalArgumentException e) {
      throw fail(start, request, authority, route, target.cluster(), ResponseFlag.NC,
          "the DestinationRule of " + target.host() + " cannot apply: " + e.getMessage(), e);
    }
    if (cluster == null) {
      String what = target == null ? "the route has no destination"
          : target.subset() == null ? "destination host " + target.host() + " is not a known service"
              : "subset " + target.subset() + " of " + target.host() + " is not defined by a DestinationRule";
      throw fail(start, request, authority, route, target == null ? null : target.cluster(), ResponseFlag.NC, what, null);
    }
    // Most routes only set the Host header: each try sets it on the copy it makes anyway, unless
    // mirrors or the balancer (a consistent hash on Host) need the request as it will be sent.
    Request upstream = request;
    String host = rr.authority();
    if (Rewrites.editsMoreThanHost(match, target) || !route.mirrors().isEmpty()
        || cluster.balancer != null && cluster.balancer.readsHeader("Host")) {
      upstream = Rewrites.upstream(rr, match, target);
      host = null;
      if (!route.mirrors().isEmpty()) { // most routes mirror nothing: no client looked up
        upstream = Mirrors.send(ctx, mesh, clients.plain(false), route, upstream, authority);
      }
    }
    Attempts run = new Attempts(ctx, clients, cancellations, chain, authority, route, cluster, target, rr, upstream,
        host, flags);
    Response response;
    try {
      response = run.execute();
    } catch (MeshCallException e) {
      listenCall(start, request, authority, route, cluster.name(), 0, EnumSet.of(e.flag()), run.attemptCount());
      throw e;
    }
    // One copy of the response: the application's request, and the body that ends the deadline.
    Response.Builder answer = editResponse(route, target, response).newBuilder().request(request);
    CallDeadline bodyDeadline = run.bodyDeadline();
    if (bodyDeadline != null) {
      answer.body(bodyDeadline.coverBody(response.body()));
    }
    response = answer.build();
    return finish(start, request, authority, route, cluster.name(), withFlags(response, flags), flags, run.attemptCount());
  }

  /** A host outside the mesh: the application's call goes on, as it is. */
  private Response passThrough(Chain chain, Request request, String authority, long start) throws IOException {
    Request.Builder rb = request.newBuilder();
    MeshCallListener.AttemptObserver observer = Listening.start(ctx.listener,
        new MeshCallListener.AttemptStart(authority, null, null, null, 1, request), rb);
    try {
      Response r = chain.proceed(rb.build());
      Listening.ended(observer, r.code(), null, r);
      listenCall(start, request, authority, null, null, r.code(), Set.of(), 1);
      return r;
    } catch (IOException e) {
      Listening.ended(observer, 0, e, null);
      listenCall(start, request, authority, null, null, 0, Set.of(), 1);
      throw e;
    }
  }

  private static Response editResponse(CompiledRoute route, @Nullable RouteTarget target, Response r) {
    boolean byTarget = target != null && target.headers().editsResponse();
    if (!byTarget && !route.headers().editsResponse()) {
      return r;
    }
    Response.Builder b = r.newBuilder();
    if (byTarget) {
      target.headers().applyTo(b);
    }
    route.headers().applyTo(b);
    return b.build();
  }

  static Response withFlags(Response r, Set<ResponseFlag> flags) {
    if (flags.isEmpty()) {
      return r;
    }
    StringBuilder sb = new StringBuilder();
    for (ResponseFlag f : flags) {
      sb.append(sb.length() == 0 ? "" : ",").append(f.name());
    }
    return r.newBuilder().header(MeshHeaders.RESPONSE_FLAGS, sb.toString()).build();
  }

  private Response finish(long start, Request request, String authority, CompiledRoute route, @Nullable String destination,
      Response response, Set<ResponseFlag> flags, int attemptCount) {
    listenCall(start, request, authority, route, destination, response.code(), flags, attemptCount);
    return response;
  }

  private MeshCallException fail(long start, Request request, String authority, @Nullable CompiledRoute route,
      @Nullable String destination, ResponseFlag flag, String reason, @Nullable Throwable cause) {
    listenCall(start, request, authority, route, destination, 0, EnumSet.of(flag), 0);
    return new MeshCallException(flag, authority, route == null ? null : route.name(), destination, reason, cause);
  }

  private void listenCall(long start, Request request, String authority, @Nullable CompiledRoute route, @Nullable String destination,
      int status, Set<ResponseFlag> flags, int attemptCount) {
    try {
      ctx.listener.onCall(new MeshCallListener.Call(authority, route == null ? null : route.name(), destination,
          status, flags, attemptCount, Duration.ofNanos(System.nanoTime() - start), request));
    } catch (RuntimeException ignored) {
      // Telemetry must never fail a call.
    }
  }

  private static void sleep(long millis, Call outer, String authority, String route) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MeshCallException(ResponseFlag.DC, authority, route, null, "interrupted during an injected delay",
          new InterruptedIOException());
    }
    if (outer.isCanceled()) {
      throw new MeshCallException(ResponseFlag.DC, authority, route, null, "call cancelled", null);
    }
  }
}
