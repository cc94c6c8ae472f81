package dev.meshlet.routing.route;

import dev.meshlet.routing.fault.FaultPolicy;
import dev.meshlet.routing.mirror.MirrorTarget;
import dev.meshlet.routing.retry.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * One HTTPRoute, compiled for one caller: its match blocks (any may hold: OR), what it does
 * (direct response, redirect or weighted destinations), and the policies that go with it.
 */
public final class CompiledRoute {
  private final String name;
  private final List<RequestMatcher> matchers;
  private final boolean matchesAll;
  private final @Nullable DirectResponseAction directResponse;
  private final @Nullable RedirectAction redirect;
  private final @Nullable UriRewrite rewrite;
  private final List<RouteTarget> targets;
  private final int[] cumulativeWeights;
  private final @Nullable Duration timeout;
  private final RetryPolicy retry;
  private final @Nullable FaultPolicy fault;
  private final List<MirrorTarget> mirrors;
  private final HeaderEdits headers;
  private final boolean idempotent;

  CompiledRoute(String name, List<RequestMatcher> matchers, boolean matchesAll,
      @Nullable DirectResponseAction directResponse, @Nullable RedirectAction redirect, @Nullable UriRewrite rewrite,
      List<RouteTarget> targets, @Nullable Duration timeout, RetryPolicy retry, @Nullable FaultPolicy fault,
      List<MirrorTarget> mirrors, HeaderEdits headers, boolean idempotent) {
    this.name = name;
    this.matchers = List.copyOf(matchers);
    this.matchesAll = matchesAll;
    this.directResponse = directResponse;
    this.redirect = redirect;
    this.rewrite = rewrite;
    this.targets = List.copyOf(targets);
    this.cumulativeWeights = new int[targets.size()];
    int sum = 0;
    boolean anyWeight = targets.stream().anyMatch(t -> t.weight() > 0);
    for (int i = 0; i < targets.size(); i++) {
      sum += anyWeight ? targets.get(i).weight() : 1;
      cumulativeWeights[i] = sum;
    }
    this.timeout = timeout;
    this.retry = retry;
    this.fault = fault;
    this.mirrors = List.copyOf(mirrors);
    this.headers = headers;
    this.idempotent = idempotent;
  }

  /** {@code namespace/virtualservice:route}, the route's name or its index ({@code http[1]}). */
  public String name() {
    return name;
  }

  /**
   * The match block that holds for {@code request}, {@link RequestMatcher#ALL} when the route has no
   * block, or null when none holds.
   */
  public @Nullable RequestMatcher match(RouteRequest request) {
    if (matchesAll) {
      return RequestMatcher.ALL;
    }
    for (RequestMatcher m : matchers) {
      if (m.matches(request)) {
        return m;
      }
    }
    return null;
  }

  /** A destination drawn by weight; null when the route has none (a redirect or direct response). */
  public @Nullable RouteTarget pick(RandomGenerator random) {
    int n = targets.size();
    if (n == 0) {
      return null;
    }
    if (n == 1) {
      return targets.get(0);
    }
    int total = cumulativeWeights[n - 1];
    int r = random.nextInt(total);
    for (int i = 0; i < n; i++) {
      if (r < cumulativeWeights[i]) {
        return targets.get(i);
      }
    }
    return targets.get(n - 1);
  }

  public List<RouteTarget> targets() {
    return targets;
  }

  public @Nullable DirectResponseAction directResponse() {
    return directResponse;
  }

  public @Nullable RedirectAction redirect() {
    return redirect;
  }

  public @Nullable UriRewrite rewrite() {
    return rewrite;
  }

  /** The route's timeout over the whole call, retries included; null for none (Istio's default). */
  public @Nullable Duration timeout() {
    return timeout;
  }

  public RetryPolicy retry() {
    return retry;
  }

  public @Nullable FaultPolicy fault() {
    return fault;
  }

  public List<MirrorTarget> mirrors() {
    return mirrors;
  }

  public HeaderEdits headers() {
    return headers;
  }

  /** Whether the route's VirtualService declares its calls idempotent (annotation {@code meshlet.dev/idempotent}). */
  public boolean idempotent() {
    return idempotent;
  }

  @Override
  public String toString() {
    return name;
  }
}
