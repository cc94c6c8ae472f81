package dev.meshlet.routing.route;

import dev.meshlet.core.config.Hosts;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.networking.HttpMatchRequest;
import dev.meshlet.core.config.networking.HttpRoute;
import dev.meshlet.core.config.networking.HttpRouteDestination;
import dev.meshlet.core.config.networking.VirtualService;
import dev.meshlet.routing.CallerIdentity;
import dev.meshlet.routing.fault.FaultPolicy;
import dev.meshlet.routing.mirror.MirrorTarget;
import dev.meshlet.routing.retry.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The routes of one host for one caller, in order: the first route whose match holds wins. A host
 * no VirtualService routes gets one route to itself with Istio's default retry policy.
 */
public final class RouteTable {
  /** The VirtualService annotation that declares every route of it safe to retry after the request was sent. */
  public static final String IDEMPOTENT_ANNOTATION = "meshlet.dev/idempotent";

  private final String host;
  private final @Nullable String virtualService;
  private final CompiledRoute[] routes;

  private RouteTable(String host, @Nullable String virtualService, List<CompiledRoute> routes) {
    this.host = host;
    this.virtualService = virtualService;
    this.routes = routes.toArray(CompiledRoute[]::new);
  }

  /**
   * The table of {@code fqdn} from the VirtualServices that name it (most specific first): the
   * first one that applies to sidecars ({@code gateways} empty or holding {@code mesh}) is used,
   * as Istio does for a sidecar.
   */
  public static RouteTable compile(String fqdn, List<Resource<VirtualService>> virtualServices, CallerIdentity caller) {
    for (Resource<VirtualService> vs : virtualServices) {
      List<String> gateways = vs.spec().gateways();
      boolean appliesToMesh = gateways.isEmpty() || gateways.contains("mesh");
      boolean anyMatchForMesh = vs.spec().http().stream()
          .flatMap(r -> r.match().stream())
          .anyMatch(m -> m.gateways().contains("mesh"));
      if (!appliesToMesh && !anyMatchForMesh) {
        continue;
      }
      if (vs.spec().http().isEmpty()) {
        continue;
      }
      return fromVirtualService(fqdn, vs, caller, appliesToMesh);
    }
    return defaultTable(fqdn);
  }

  /** The table of a host no VirtualService routes: everything to the host itself. */
  public static RouteTable defaultTable(String fqdn) {
    CompiledRoute route = new CompiledRoute("default", List.of(), true, null, null, null,
        List.of(RouteTarget.of(fqdn, null, null, 1, HeaderEdits.NONE)), null, RetryPolicy.ISTIO_DEFAULT, null,
        List.of(), HeaderEdits.NONE, false);
    return new RouteTable(fqdn, null, List.of(route));
  }

  private static RouteTable fromVirtualService(String fqdn, Resource<VirtualService> vs, CallerIdentity caller,
      boolean appliesToMesh) {
    String ns = vs.namespace();
    String vsName = ns + "/" + vs.name();
    boolean idempotent = "true".equalsIgnoreCase(vs.metadata().annotations().get(IDEMPOTENT_ANNOTATION));
    List<CompiledRoute> out = new ArrayList<>();
    List<HttpRoute> http = vs.spec().http();
    for (int i = 0; i < http.size(); i++) {
      HttpRoute r = http.get(i);
      List<RequestMatcher> matchers = new ArrayList<>();
      for (HttpMatchRequest m : r.match()) {
        RequestMatcher rm = RequestMatcher.compile(m, caller, appliesToMesh);
        if (rm != null) {
          matchers.add(rm);
        }
      }
      boolean matchesAll = r.match().isEmpty();
      if (matchesAll && !appliesToMesh || !matchesAll && matchers.isEmpty()) {
        continue; // no block can ever match this caller
      }
      List<RouteTarget> targets = new ArrayList<>();
      for (HttpRouteDestination d : r.route()) {
        if (d.destination() == null || d.destination().host() == null) {
          continue;
        }
        var dest = d.destination();
        targets.add(RouteTarget.of(Hosts.resolve(dest.host(), ns), dest.subset(),
            dest.port() == null ? null : dest.port().number(),
            d.weight() == null ? (r.route().size() == 1 ? 1 : 0) : d.weight(),
            HeaderEdits.compile(d.headers())));
      }
      String name = vsName + ":" + (r.name() != null ? r.name() : "http[" + i + "]");
      out.add(new CompiledRoute(name, matchers, matchesAll,
          DirectResponseAction.compile(r.directResponse()), RedirectAction.compile(r.redirect()),
          UriRewrite.compile(r.rewrite()), targets,
          r.timeout() == null || r.timeout().isZero() ? null : r.timeout(),
          RetryPolicy.compile(r.retries()), FaultPolicy.compile(r.fault()), MirrorTarget.of(r, ns),
          HeaderEdits.compile(r.headers()), idempotent));
    }
    return new RouteTable(fqdn, vsName, out);
  }

  /** The host this table routes. */
  public String host() {
    return host;
  }

  /** {@code namespace/name} of the VirtualService in force, or null for the default table. */
  public @Nullable String virtualService() {
    return virtualService;
  }

  public List<CompiledRoute> routes() {
    return List.of(routes);
  }

  /** The first route that matches {@code request}, with the block that matched; null when none does (NR). */
  public @Nullable Match match(RouteRequest request) {
    for (CompiledRoute r : routes) {
      RequestMatcher m = r.match(request);
      if (m != null) {
        return new Match(r, m);
      }
    }
    return null;
  }

  /** A route and the match block of it that held. */
  public record Match(CompiledRoute route, RequestMatcher block) {}
}
