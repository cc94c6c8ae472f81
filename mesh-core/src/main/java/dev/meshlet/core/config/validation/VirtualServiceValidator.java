package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.networking.HttpMatchRequest;
import dev.meshlet.core.config.networking.L4MatchAttributes;
import dev.meshlet.core.config.networking.RouteDestination;
import dev.meshlet.core.config.networking.StringMatch;
import dev.meshlet.core.config.networking.TcpRoute;
import dev.meshlet.core.config.networking.TlsMatchAttributes;
import dev.meshlet.core.config.networking.TlsRoute;
import dev.meshlet.core.config.networking.VirtualService;
import java.util.List;
import java.util.Map;

/**
 * Istio's ValidateVirtualService: hosts, gateways, delegation, every HTTP, TLS and TCP route,
 * exportTo, and the warnings for rules that can never be reached.
 *
 * <p>In-process, only the {@code mesh} gateway has a meaning: Meshlet routes the calls a service
 * makes, as a sidecar would; it runs no gateway. Other gateway names are valid Istio and are
 * accepted with a warning that they are ignored; a VirtualService (or a match) bound only to
 * gateways never applies to mesh traffic in Istio either, and the warning says so.
 */
public final class VirtualServiceValidator implements SpecValidator<VirtualService> {
  static final String MESH_GATEWAY = "mesh";

  @Override
  public void validate(Resource<VirtualService> resource, Checks c) {
    VirtualService vs = resource.spec();
    boolean delegate = vs.hosts().isEmpty();
    if (delegate) {
      if (!vs.gateways().isEmpty()) {
        c.error("spec.gateways", "delegate virtual service must have no gateways specified");
      }
      if (!vs.tls().isEmpty()) {
        c.error("spec.tls", "delegate virtual service must have no tls route specified");
      }
      if (!vs.tcp().isEmpty()) {
        c.error("spec.tcp", "delegate virtual service must have no tcp route specified");
      }
    }
    boolean appliesToGateway = !vs.gateways().isEmpty() && !vs.gateways().contains(MESH_GATEWAY);
    if (!vs.gateways().isEmpty()) {
      NetChecks.gatewayNames(c, "spec.gateways", vs.gateways());
      warnGateways(c, "spec.gateways", vs.gateways(), "this VirtualService");
    }
    if (!appliesToGateway) {
      for (int i = 0; i < vs.http().size(); i++) {
        List<HttpMatchRequest> matches = vs.http().get(i).match();
        for (int j = 0; j < matches.size(); j++) {
          String at = "spec.http[" + i + "].match[" + j + "]";
          jwtClaimRoutes(c, at + ".headers", matches.get(j).headers(), vs.gateways());
          jwtClaimRoutes(c, at + ".withoutHeaders", matches.get(j).withoutHeaders(), vs.gateways());
        }
      }
    }
    hosts(c, vs, appliesToGateway);
    if (vs.http().isEmpty() && vs.tcp().isEmpty() && vs.tls().isEmpty()) {
      c.error("spec", "http, tcp or tls must be provided in virtual service");
    }
    for (int i = 0; i < vs.http().size(); i++) {
      HttpRouteChecks.route(c, "spec.http[" + i + "]", vs.http().get(i), delegate);
    }
    for (int i = 0; i < vs.tls().size(); i++) {
      tlsRoute(c, "spec.tls[" + i + "]", vs.tls().get(i), vs, appliesToGateway);
    }
    for (int i = 0; i < vs.tcp().size(); i++) {
      tcpRoute(c, "spec.tcp[" + i + "]", vs.tcp().get(i));
    }
    NetChecks.exportTo(c, "spec.exportTo", resource.namespace(), vs.exportTo(), false, false);
    UnreachableRules.http(c, vs.http());
    UnreachableRules.l4(c, "spec.tcp", vs.tcp().stream().map(r -> List.<Object>copyOf(r.match())).toList());
    UnreachableRules.l4(c, "spec.tls", vs.tls().stream().map(r -> List.<Object>copyOf(r.match())).toList());
  }

  /** The in-process warnings for gateway names: only {@code mesh} means something here. */
  static void warnGateways(Checks c, String path, List<String> gateways, String what) {
    if (gateways.isEmpty()) {
      return;
    }
    if (!gateways.contains(MESH_GATEWAY)) {
      c.warn(path, "no entry is \"mesh\": " + what + " applies to gateways only, which Meshlet does not run,"
          + " so it is ignored in-process (add \"mesh\" to apply it to service-to-service calls)");
      return;
    }
    for (int i = 0; i < gateways.size(); i++) {
      if (!gateways.get(i).equals(MESH_GATEWAY)) {
        c.warn(path + "[" + i + "]", "gateway \"" + gateways.get(i) + "\" is ignored in-process: Meshlet applies routes to mesh traffic only");
      }
    }
  }

  private static void jwtClaimRoutes(Checks c, String path, Map<String, StringMatch> headers, List<String> gateways) {
    for (String key : headers.keySet()) {
      if (key.startsWith(NetChecks.JWT_CLAIM_PREFIX)) {
        c.error(path + "[" + key + "]", "JWT claim based routing (key: " + key
            + ") is only supported for gateway, found no gateways: " + gateways);
      }
    }
  }

  private static void hosts(Checks c, VirtualService vs, boolean appliesToGateway) {
    boolean allValid = true;
    for (int i = 0; i < vs.hosts().size(); i++) {
      String host = vs.hosts().get(i);
      String err = HostChecks.wildcardDomain(host);
      if (err != null) {
        if (!HostChecks.isIpAddress(host)) {
          c.error("spec.hosts[" + i + "]", err);
          allValid = false;
        }
      } else if (!appliesToGateway && host.equals("*")) {
        c.error("spec.hosts[" + i + "]", "wildcard host * is not allowed for virtual services bound to the mesh gateway");
        allValid = false;
      }
    }
    if (allValid) {
      for (int i = 0; i < vs.hosts().size(); i++) {
        for (int j = i + 1; j < vs.hosts().size(); j++) {
          if (HostChecks.hostsOverlap(vs.hosts().get(i), vs.hosts().get(j))) {
            c.error("spec.hosts[" + j + "]", "duplicate hosts in virtual service: " + vs.hosts().get(i) + " & " + vs.hosts().get(j));
          }
        }
      }
    }
  }

  private static void tlsRoute(Checks c, String p, TlsRoute tls, VirtualService vs, boolean appliesToGateway) {
    if (tls.match().isEmpty()) {
      c.error(p + ".match", "TLS route must have at least one match condition");
    }
    for (int i = 0; i < tls.match().size(); i++) {
      TlsMatchAttributes m = tls.match().get(i);
      String at = p + ".match[" + i + "]";
      if (m.sniHosts().isEmpty()) {
        c.error(at + ".sniHosts", "TLS match must have at least one SNI host");
      }
      for (int j = 0; j < m.sniHosts().size(); j++) {
        sniHost(c, at + ".sniHosts[" + j + "]", m.sniHosts().get(j), vs);
      }
      subnets(c, at + ".destinationSubnets", m.destinationSubnets());
      if (m.port() != null && m.port() != 0) {
        NetChecks.port(c, at + ".port", m.port());
      }
      NetChecks.labels(c, at + ".sourceLabels", m.sourceLabels());
      NetChecks.gatewayNames(c, at + ".gateways", m.gateways());
      warnGateways(c, at + ".gateways", m.gateways(), "this match");
    }
    if (tls.route().isEmpty()) {
      c.error(p + ".route", "TLS route is required");
    }
    routeDestinations(c, p + ".route", tls.route());
  }

  private static void sniHost(Checks c, String path, String sni, VirtualService vs) {
    String err = HostChecks.wildcardDomain(sni);
    if (err != null) {
      if (HostChecks.isIpAddress(sni)) {
        c.warn(path, "using an IP address (\"" + sni + "\") goes against SNI spec and most clients do not support this");
      } else {
        c.error(path, err);
      }
      return;
    }
    for (String host : vs.hosts()) {
      if (HostChecks.hostSubsetOf(sni, host)) {
        return;
      }
    }
    c.error(path, "SNI host \"" + sni + "\" is not a compatible subset of any of the virtual service hosts: ["
        + String.join(", ", vs.hosts()) + "]");
  }

  private static void tcpRoute(Checks c, String p, TcpRoute tcp) {
    for (int i = 0; i < tcp.match().size(); i++) {
      L4MatchAttributes m = tcp.match().get(i);
      String at = p + ".match[" + i + "]";
      subnets(c, at + ".destinationSubnets", m.destinationSubnets());
      if (m.port() != null && m.port() != 0) {
        NetChecks.port(c, at + ".port", m.port());
      }
      NetChecks.labels(c, at + ".sourceLabels", m.sourceLabels());
      NetChecks.gatewayNames(c, at + ".gateways", m.gateways());
      warnGateways(c, at + ".gateways", m.gateways(), "this match");
    }
    if (tcp.route().isEmpty()) {
      c.error(p + ".route", "TCP route is required");
    }
    routeDestinations(c, p + ".route", tcp.route());
  }

  private static void subnets(Checks c, String path, List<String> subnets) {
    for (int i = 0; i < subnets.size(); i++) {
      String err = HostChecks.ipSubnet(subnets.get(i));
      if (err != null) {
        c.error(path + "[" + i + "]", err);
      }
    }
  }

  /** Istio's validateRouteDestinations, for TCP and TLS routes. */
  private static void routeDestinations(Checks c, String p, List<RouteDestination> route) {
    long total = 0;
    for (int i = 0; i < route.size(); i++) {
      RouteDestination d = route.get(i);
      String at = p + "[" + i + "]";
      if (d.destination() == null) {
        c.error(at + ".destination", "destination is required");
      }
      NetChecks.destination(c, at + ".destination", d.destination());
      int weight = d.weight() == null ? 0 : d.weight();
      if (weight < 0) {
        c.error(at + ".weight", "weight " + weight + " < 0 (expected: 0 or more)");
      }
      total += weight;
    }
    if (route.size() > 1 && total == 0) {
      c.error(p, "total destination weight = 0 (expected at least one destination with a weight above 0)");
    }
  }
}
