package dev.meshlet.routing.internal;

import dev.meshlet.routing.ResponseFlag;
import dev.meshlet.routing.RoutePlan;
import dev.meshlet.routing.lb.EndpointFilter;
import dev.meshlet.routing.lb.Pick;
import dev.meshlet.routing.resolve.Service;
import dev.meshlet.routing.route.CompiledRoute;
import dev.meshlet.routing.route.RouteRequest;
import dev.meshlet.routing.route.RouteTable;
import dev.meshlet.routing.route.RouteTarget;
import okhttp3.Request;

/**
 * Walks a request through resolution, routing, destination and endpoint choice as a call would,
 * and stops before faults, mirrors and sending. A weighted or balanced choice draws as a call
 * does (it advances round robin); nothing is counted as in flight.
 */
public final class Planner {
  private Planner() {}

  public static RoutePlan plan(MeshContext ctx, Request request) {
    CompiledMesh mesh = ctx.current();
    String authority = RouteRequest.authority(request);
    Service service = mesh.directory.resolve(authority);
    if (service == null) {
      return mesh.directory.registryOnly()
          ? new RoutePlan(authority, null, null, null, null, ResponseFlag.NR,
              "not a known service and " + mesh.directory.sidecarName() + " sets REGISTRY_ONLY")
          : new RoutePlan(authority, null, null, null, null, null, "passed through untouched (ALLOW_ANY)");
    }
    RouteRequest rr = RouteRequest.of(request);
    RouteTable.Match match = mesh.table(service).match(rr);
    if (match == null) {
      return new RoutePlan(authority, service.fqdn(), null, null, null, ResponseFlag.NR, "no route matches");
    }
    CompiledRoute route = match.route();
    if (route.directResponse() != null || route.redirect() != null) {
      return new RoutePlan(authority, service.fqdn(), route.name(), null, null, null,
          route.directResponse() != null ? "direct response" : "redirect");
    }
    RouteTarget target = route.pick(ctx.random);
    if (target == null) {
      return new RoutePlan(authority, service.fqdn(), route.name(), null, null, ResponseFlag.NC, "no destination");
    }
    Cluster cluster;
    try {
      cluster = mesh.cluster(target.host(), target.subset(), target.port() != null ? target.port() : request.url().port());
    } catch (IllegalArgumentException e) {
      return new RoutePlan(authority, service.fqdn(), route.name(), target.cluster(), null, ResponseFlag.NC,
          e.getMessage());
    }
    if (cluster == null) {
      return new RoutePlan(authority, service.fqdn(), route.name(), target.cluster(), null, ResponseFlag.NC,
          "no such host or subset");
    }
    if (cluster.service().originalDestination()) {
      return new RoutePlan(authority, service.fqdn(), route.name(), cluster.name(), null, null,
          "sent to the address asked for");
    }
    Pick pick = cluster.balancer == null ? null : cluster.balancer.pick(request, ctx.sourceAddress,
        cluster.outlier == null ? EndpointFilter.NONE : cluster.outlier.filter());
    if (pick == null) {
      return new RoutePlan(authority, service.fqdn(), route.name(), cluster.name(), null, ResponseFlag.UH,
          "no healthy endpoint");
    }
    return new RoutePlan(authority, service.fqdn(), route.name(), cluster.name(), pick.endpoint().hostPort(), null,
        null);
  }
}
