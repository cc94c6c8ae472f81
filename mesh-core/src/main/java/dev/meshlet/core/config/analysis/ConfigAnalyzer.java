package dev.meshlet.core.config.analysis;

import dev.meshlet.core.config.Hosts;
import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.Problem;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.networking.Destination;
import dev.meshlet.core.config.networking.DestinationRule;
import dev.meshlet.core.config.networking.HttpMirrorPolicy;
import dev.meshlet.core.config.networking.HttpRoute;
import dev.meshlet.core.config.networking.HttpRouteDestination;
import dev.meshlet.core.config.networking.RouteDestination;
import dev.meshlet.core.config.networking.ServiceEntry;
import dev.meshlet.core.config.networking.Subset;
import dev.meshlet.core.config.networking.TcpRoute;
import dev.meshlet.core.config.networking.TlsRoute;
import dev.meshlet.core.config.networking.VirtualService;
import dev.meshlet.core.config.networking.WorkloadEntry;
import dev.meshlet.core.registry.WorkloadInstance;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Finds what is wrong between resources, as warnings on the resource that holds the problem:
 * a route to a subset no DestinationRule defines, two VirtualServices for one host, two
 * DestinationRules for one host in one namespace, and, where the registry is known, a
 * destination host nothing serves and a subset whose labels match no workload.
 */
public final class ConfigAnalyzer {
  private final List<Resource<?>> resources;
  private final @Nullable Collection<WorkloadInstance> registry;
  private final Map<ResourceId, List<Problem>> findings = new LinkedHashMap<>();

  private ConfigAnalyzer(List<Resource<?>> resources, @Nullable Collection<WorkloadInstance> registry) {
    this.resources = resources;
    this.registry = registry;
  }

  /**
   * Analyzes {@code resources} together.
   *
   * @param registry the workloads known to run, or null when unknown (offline validation): the
   *     checks that need it are then skipped rather than guessed
   * @return warnings per resource; resources without findings are absent
   */
  public static Map<ResourceId, List<Problem>> analyze(
      Collection<? extends Resource<?>> resources, @Nullable Collection<WorkloadInstance> registry) {
    ConfigAnalyzer a = new ConfigAnalyzer(List.copyOf(resources), registry);
    a.run();
    return a.findings;
  }

  private void warn(Resource<?> r, String path, String message) {
    findings.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(Problem.warning(path, message));
  }

  private void run() {
    Map<String, Map<String, Subset>> subsetsByHost = new HashMap<>();
    Map<String, List<Resource<DestinationRule>>> rulesByHostAndNamespace = new LinkedHashMap<>();
    Map<String, List<Resource<VirtualService>>> servicesByHost = new LinkedHashMap<>();
    Set<String> declaredHosts = new TreeSet<>();

    for (Resource<?> r : resources) {
      switch (r.kind()) {
        case DESTINATION_RULE -> {
          Resource<DestinationRule> dr = r.as(DestinationRule.class);
          if (dr.spec().host() == null) {
            continue;
          }
          String host = Hosts.resolve(dr.spec().host(), dr.namespace());
          Map<String, Subset> subsets = subsetsByHost.computeIfAbsent(host, k -> new HashMap<>());
          dr.spec().subsets().forEach(s -> {
            if (s.name() != null) {
              subsets.put(s.name(), s);
            }
          });
          if (dr.spec().workloadSelector() == null) {
            rulesByHostAndNamespace.computeIfAbsent(host + " " + dr.namespace(), k -> new ArrayList<>()).add(dr);
          }
        }
        case VIRTUAL_SERVICE -> {
          Resource<VirtualService> vs = r.as(VirtualService.class);
          if (appliesToMesh(vs.spec())) {
            for (String h : vs.spec().hosts()) {
              servicesByHost.computeIfAbsent(Hosts.resolve(h, vs.namespace()), k -> new ArrayList<>()).add(vs);
            }
          }
        }
        case SERVICE_ENTRY -> r.as(ServiceEntry.class).spec().hosts()
            .forEach(h -> declaredHosts.add(Hosts.resolve(h, r.namespace())));
        default -> {}
      }
    }

    servicesByHost.forEach((host, list) -> {
      if (list.size() > 1) {
        for (Resource<VirtualService> vs : list) {
          List<String> others = list.stream().filter(o -> o != vs).map(o -> o.id().toString()).toList();
          warn(vs, "spec.hosts", "host " + host + " is also routed by " + String.join(", ", others)
              + "; only one VirtualService per host applies to mesh traffic (Istio IST0109)");
        }
      }
    });
    rulesByHostAndNamespace.forEach((key, list) -> {
      if (list.size() > 1) {
        for (Resource<DestinationRule> dr : list) {
          List<String> others = list.stream().filter(o -> o != dr).map(o -> o.id().toString()).toList();
          warn(dr, "spec.host", "host " + key.substring(0, key.indexOf(' ')) + " also has " + String.join(", ", others)
              + " in this namespace; only one of them applies");
        }
      }
    });

    for (Resource<?> r : resources) {
      if (r.kind() == Kind.VIRTUAL_SERVICE) {
        checkDestinations(r.as(VirtualService.class), subsetsByHost, declaredHosts);
      }
    }
    if (registry != null) {
      for (Resource<?> r : resources) {
        if (r.kind() == Kind.DESTINATION_RULE) {
          checkSubsetsSelectWorkloads(r.as(DestinationRule.class));
        }
      }
    }
  }

  private static boolean appliesToMesh(VirtualService vs) {
    return vs.gateways().isEmpty() || vs.gateways().contains("mesh");
  }

  private void checkDestinations(
      Resource<VirtualService> vs, Map<String, Map<String, Subset>> subsetsByHost, Set<String> declaredHosts) {
    for (int i = 0; i < vs.spec().http().size(); i++) {
      HttpRoute route = vs.spec().http().get(i);
      String at = "spec.http[" + i + "]";
      for (int j = 0; j < route.route().size(); j++) {
        HttpRouteDestination d = route.route().get(j);
        checkDestination(vs, at + ".route[" + j + "].destination", d.destination(), subsetsByHost, declaredHosts);
      }
      checkDestination(vs, at + ".mirror", route.mirror(), subsetsByHost, declaredHosts);
      for (int j = 0; j < route.mirrors().size(); j++) {
        HttpMirrorPolicy m = route.mirrors().get(j);
        checkDestination(vs, at + ".mirrors[" + j + "].destination", m.destination(), subsetsByHost, declaredHosts);
      }
    }
    for (int i = 0; i < vs.spec().tcp().size(); i++) {
      TcpRoute route = vs.spec().tcp().get(i);
      for (int j = 0; j < route.route().size(); j++) {
        RouteDestination d = route.route().get(j);
        checkDestination(vs, "spec.tcp[" + i + "].route[" + j + "].destination", d.destination(), subsetsByHost, declaredHosts);
      }
    }
    for (int i = 0; i < vs.spec().tls().size(); i++) {
      TlsRoute route = vs.spec().tls().get(i);
      for (int j = 0; j < route.route().size(); j++) {
        RouteDestination d = route.route().get(j);
        checkDestination(vs, "spec.tls[" + i + "].route[" + j + "].destination", d.destination(), subsetsByHost, declaredHosts);
      }
    }
  }

  private void checkDestination(
      Resource<VirtualService> vs,
      String path,
      @Nullable Destination d,
      Map<String, Map<String, Subset>> subsetsByHost,
      Set<String> declaredHosts) {
    if (d == null || d.host() == null) {
      return;
    }
    String host = Hosts.resolve(d.host(), vs.namespace());
    if (d.subset() != null) {
      Map<String, Subset> subsets = subsetsByHost.get(host);
      if (subsets == null || !subsets.containsKey(d.subset())) {
        warn(vs, path + ".subset", "subset " + d.subset() + " of " + host
            + " is not defined by any DestinationRule (Istio IST0101): calls to it would fail with no healthy upstream");
      }
    }
    if (registry != null && !declaredHosts.contains(host) && registry.stream().noneMatch(w -> w.host().equals(host))) {
      warn(vs, path + ".host", "host " + host + " is served by no known workload or ServiceEntry (Istio IST0101)");
    }
  }

  private void checkSubsetsSelectWorkloads(Resource<DestinationRule> dr) {
    String host = Hosts.resolve(dr.spec().host(), dr.namespace());
    List<WorkloadInstance> serving = registry.stream().filter(w -> w.host().equals(host)).toList();
    List<WorkloadEntry> entries = resources.stream()
        .filter(r -> r.kind() == Kind.WORKLOAD_ENTRY)
        .map(r -> r.as(WorkloadEntry.class).spec())
        .toList();
    for (int i = 0; i < dr.spec().subsets().size(); i++) {
      Subset s = dr.spec().subsets().get(i);
      boolean matched = serving.stream().anyMatch(w -> w.matches(s.labels()))
          || entries.stream().anyMatch(e -> e.labels().entrySet().containsAll(s.labels().entrySet()));
      if (!matched) {
        warn(dr, "spec.subsets[" + i + "].labels", "subset " + s.name() + " selects " + s.labels()
            + ", which no known workload of " + host + " carries (Istio IST0173)");
      }
    }
  }
}
