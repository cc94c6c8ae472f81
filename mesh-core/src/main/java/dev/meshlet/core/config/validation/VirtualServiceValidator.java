package dev.meshlet.core.config.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.codec.TreeWriter;
import dev.meshlet.core.config.networking.HttpMatchRequest;
import dev.meshlet.core.config.networking.HttpRoute;
import dev.meshlet.core.config.networking.L4MatchAttributes;
import dev.meshlet.core.config.networking.RouteDestination;
import dev.meshlet.core.config.networking.StringMatch;
import dev.meshlet.core.config.networking.TcpRoute;
import dev.meshlet.core.config.networking.TlsMatchAttributes;
import dev.meshlet.core.config.networking.TlsRoute;
import dev.meshlet.core.config.networking.VirtualService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

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
    unreachableHttpRules(c, vs.http());
    unreachableL4Rules(c, "spec.tcp", vs.tcp().stream().map(r -> List.<Object>copyOf(r.match())).toList());
    unreachableL4Rules(c, "spec.tls", vs.tls().stream().map(r -> List.<Object>copyOf(r.match())).toList());
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
      String err = NetChecks.wildcardDomain(host);
      if (err != null) {
        if (!NetChecks.isIpAddress(host)) {
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
          if (NetChecks.hostsOverlap(vs.hosts().get(i), vs.hosts().get(j))) {
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
    String err = NetChecks.wildcardDomain(sni);
    if (err != null) {
      if (NetChecks.isIpAddress(sni)) {
        c.warn(path, "using an IP address (\"" + sni + "\") goes against SNI spec and most clients do not support this");
      } else {
        c.error(path, err);
      }
      return;
    }
    for (String host : vs.hosts()) {
      if (NetChecks.hostSubsetOf(sni, host)) {
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
      String err = NetChecks.ipSubnet(subnets.get(i));
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

  /**
   * Istio's analyzeUnreachableHTTPRules: a rule without matches catches everything, so a second
   * one is never used; a match equal to an earlier rule's (ignoring its name) is never used; and
   * a prefix match covered by an earlier, shorter prefix with the same other conditions is not.
   */
  private static void unreachableHttpRules(Checks c, List<HttpRoute> routes) {
    Map<JsonNode, Integer> seen = new HashMap<>();
    int emptyMatch = -1;
    List<PrefixMatch> prefixes = new ArrayList<>();
    for (int r = 0; r < routes.size(); r++) {
      HttpRoute route = routes.get(r);
      String at = "spec.http[" + r + "]";
      if (route.match().isEmpty()) {
        if (emptyMatch >= 0) {
          c.warn(at, "virtualService rule " + ruleName(route, r) + " not used (only the last rule can have no matches)");
        }
        emptyMatch = r;
        continue;
      }
      int duplicates = 0;
      for (int m = 0; m < route.match().size(); m++) {
        HttpMatchRequest match = route.match().get(m);
        ObjectNode key = (ObjectNode) TreeWriter.write(match);
        key.remove("name");
        Integer earlier = seen.get(key);
        if (earlier != null) {
          c.warn(at + ".match[" + m + "]", "virtualService rule " + ruleName(route, r) + " match " + matchName(match, m)
              + " is not used (duplicate/overlapping match in rule " + ruleName(routes.get(earlier), earlier) + ")");
          duplicates++;
          continue;
        }
        seen.put(key, r);
        PrefixMatch pm = PrefixMatch.of(route, r, match, m);
        if (pm != null) {
          prefixes.add(pm);
        }
      }
      if (duplicates == route.match().size()) {
        c.warn(at, "virtualService rule " + ruleName(route, r) + " not used (all matches used by prior rules)");
      }
    }
    for (int a = 0; a < prefixes.size(); a++) {
      for (int b = a + 1; b < prefixes.size(); b++) {
        PrefixMatch earlier = prefixes.get(a);
        PrefixMatch later = prefixes.get(b);
        if (!later.prefix.equals(earlier.prefix) && earlier.covers(later)) {
          c.warn(later.path, "virtualService rule " + later.rule + " match " + later.match + " of prefix " + later.prefix
              + " is not used (duplicate/overlapping match in rule " + earlier.match + " of prefix " + earlier.prefix
              + " on " + earlier.rule + ")");
        }
      }
    }
  }

  private static void unreachableL4Rules(Checks c, String path, List<List<Object>> matchLists) {
    Map<JsonNode, Integer> seen = new HashMap<>();
    int emptyMatch = -1;
    for (int r = 0; r < matchLists.size(); r++) {
      List<Object> matches = matchLists.get(r);
      String at = path + "[" + r + "]";
      if (matches.isEmpty()) {
        if (emptyMatch >= 0) {
          c.warn(at, "virtualService rule #" + r + " not used (only the last rule can have no matches)");
        }
        emptyMatch = r;
        continue;
      }
      int duplicates = 0;
      for (int m = 0; m < matches.size(); m++) {
        JsonNode key = TreeWriter.write(matches.get(m));
        Integer earlier = seen.get(key);
        if (earlier != null) {
          c.warn(at + ".match[" + m + "]", "virtualService rule #" + r + " match #" + m
              + " is not used (duplicate/overlapping match in rule #" + earlier + ")");
          duplicates++;
        } else {
          seen.put(key, r);
        }
      }
      if (duplicates == matches.size()) {
        c.warn(at, "virtualService rule #" + r + " not used (all matches used by prior rules)");
      }
    }
  }

  private static String ruleName(HttpRoute route, int index) {
    return route.name() != null && !route.name().isEmpty() ? "\"" + route.name() + "\"" : "#" + index;
  }

  private static String matchName(HttpMatchRequest match, int index) {
    return match.name() != null && !match.name().isEmpty() ? "\"" + match.name() + "\"" : "#" + index;
  }

  /** A uri prefix match and its other exact/prefix conditions, as Istio's overlap check sees it. */
  private record PrefixMatch(
      String path, String rule, String match, String prefix, int port, String method, String authority,
      Map<String, String> headers, Map<String, String> queryParams, Map<String, String> withoutHeaders) {

    static @Nullable PrefixMatch of(HttpRoute route, int r, HttpMatchRequest m, int i) {
      if (m.uri() == null || m.uri().prefix() == null || m.uri().prefix().isEmpty()) {
        return null;
      }
      String method = exactOrPrefix(m.method());
      return new PrefixMatch("spec.http[" + r + "].match[" + i + "]", ruleName(route, r), matchName(m, i),
          m.uri().prefix(), m.port() == null ? 0 : m.port(), method.isEmpty() ? "exact:GET" : method,
          exactOrPrefix(m.authority()), conditions(m.headers()), conditions(m.queryParams()),
          conditions(m.withoutHeaders()));
    }

    private static Map<String, String> conditions(Map<String, StringMatch> matches) {
      Map<String, String> out = new HashMap<>();
      matches.forEach((k, v) -> out.put(k, exactOrPrefix(v)));
      return out;
    }

    private static String exactOrPrefix(@Nullable StringMatch m) {
      if (m == null) {
        return "";
      }
      if (m.exact() != null && !m.exact().isEmpty()) {
        return "exact:" + m.exact();
      }
      if (m.prefix() != null && !m.prefix().isEmpty()) {
        return "prefix:" + m.prefix();
      }
      return "";
    }

    /** Istio's coveredValidation: whether this earlier match catches everything {@code b} does. */
    boolean covers(PrefixMatch b) {
      return b.prefix.startsWith(prefix)
          && b.port == port
          && (method.equals(b.method) || method.startsWith(b.method))
          && (authority.equals(b.authority) || authority.startsWith(b.authority))
          && sameConditions(headers, b.headers)
          && sameConditions(queryParams, b.queryParams)
          && sameConditions(withoutHeaders, b.withoutHeaders);
    }

    private static boolean sameConditions(Map<String, String> a, Map<String, String> b) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Map.Entry<String, String> e : a.entrySet()) {
        String other = b.get(e.getKey());
        if (other == null || !(e.getValue().equals(other) || e.getValue().startsWith(other))) {
          return false;
        }
      }
      return true;
    }
  }
}
