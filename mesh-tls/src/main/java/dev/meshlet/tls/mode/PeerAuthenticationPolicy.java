package dev.meshlet.tls.mode;

import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceId;
import dev.meshlet.core.config.security.PeerAuthentication;
import dev.meshlet.core.config.security.PeerAuthentication.Mode;
import dev.meshlet.core.config.security.PeerAuthentication.Mtls;
import dev.meshlet.core.config.security.RootNamespace;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The PeerAuthentications of one snapshot, indexed once, answering which inbound mTLS mode a
 * workload has. Istio's rules (its {@code ComposePeerAuthentication}):
 *
 * <ul>
 *   <li>Three scopes: mesh-wide (root namespace, no selector), namespace-wide (no selector, or an
 *       empty one), workload (a selector matching the workload's labels, in its own namespace). A
 *       policy with a selector in the root namespace applies only to workloads of the root
 *       namespace, as in Istio.
 *   <li>At most one policy per scope counts: Istio takes the oldest. Meshlet has no creation time,
 *       so it takes the first by name (the snapshot's order), and says so in
 *       {@link WorkloadMtls#decidedBy()}.
 *   <li>Mesh, then namespace, then workload: a scope whose mode is UNSET (or absent) inherits
 *       the one above; with nothing set anywhere the mode is PERMISSIVE.
 *   <li>Port-level modes come only from the workload policy; an UNSET port inherits the
 *       workload's resolved mode.
 * </ul>
 *
 * <p>Immutable; build one per snapshot and call {@link #forWorkload} when the snapshot changes.
 */
public final class PeerAuthenticationPolicy {

  private static final PeerAuthenticationPolicy EMPTY =
      new PeerAuthenticationPolicy(RootNamespace.DEFAULT, List.of());

  private final String rootNamespace;
  private final @Nullable Resource<PeerAuthentication> mesh;
  private final Map<String, Resource<PeerAuthentication>> namespaceWide;
  private final Map<String, List<Resource<PeerAuthentication>>> selecting;

  private PeerAuthenticationPolicy(String rootNamespace, List<Resource<PeerAuthentication>> all) {
    this.rootNamespace = Objects.requireNonNull(rootNamespace, "rootNamespace");
    List<Resource<PeerAuthentication>> sorted = new ArrayList<>(all);
    // Istio's "oldest first" becomes "first by name": stable, and what a reader of the config expects.
    sorted.sort(Comparator.comparing((Resource<PeerAuthentication> r) -> r.namespace()).thenComparing(Resource::name));
    Resource<PeerAuthentication> meshWide = null;
    Map<String, Resource<PeerAuthentication>> namespaces = new HashMap<>();
    Map<String, List<Resource<PeerAuthentication>>> workloads = new HashMap<>();
    for (Resource<PeerAuthentication> pa : sorted) {
      var selector = pa.spec().selector();
      boolean wide = selector == null || selector.matchLabels().isEmpty();
      if (wide && pa.namespace().equals(rootNamespace)) {
        if (meshWide == null) {
          meshWide = pa;
        }
      } else if (wide) {
        namespaces.putIfAbsent(pa.namespace(), pa);
      } else {
        workloads.computeIfAbsent(pa.namespace(), k -> new ArrayList<>()).add(pa);
      }
    }
    this.mesh = meshWide;
    this.namespaceWide = Map.copyOf(namespaces);
    Map<String, List<Resource<PeerAuthentication>>> frozen = new HashMap<>();
    workloads.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    this.selecting = Map.copyOf(frozen);
  }

  /** No PeerAuthentication at all: every workload is PERMISSIVE. */
  public static PeerAuthenticationPolicy empty() {
    return EMPTY;
  }

  /** Indexes the PeerAuthentications of {@code snapshot}, with Istio's default root namespace. */
  public static PeerAuthenticationPolicy compile(ConfigSnapshot snapshot) {
    return compile(snapshot, RootNamespace.DEFAULT);
  }

  /** Indexes the PeerAuthentications of {@code snapshot}; policies in {@code rootNamespace} are mesh-wide. */
  public static PeerAuthenticationPolicy compile(ConfigSnapshot snapshot, String rootNamespace) {
    return new PeerAuthenticationPolicy(rootNamespace,
        snapshot.all(Kind.PEER_AUTHENTICATION, PeerAuthentication.class));
  }

  /** Resolves the mode of the workload with {@code labels} in {@code namespace}. */
  public WorkloadMtls forWorkload(String namespace, Map<String, String> labels) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(labels, "labels");
    List<ResourceId> decidedBy = new ArrayList<>(3);
    Mode mode = Mode.PERMISSIVE;
    if (mesh != null) {
      decidedBy.add(mesh.id());
      mode = inherit(mode, mesh.spec().modeOrUnset());
    }
    // In the root namespace the mesh-wide policy is also the namespace's: Istio counts it once.
    Resource<PeerAuthentication> ns = namespace.equals(rootNamespace) ? null : namespaceWide.get(namespace);
    if (ns != null) {
      decidedBy.add(ns.id());
      mode = inherit(mode, ns.spec().modeOrUnset());
    }
    Resource<PeerAuthentication> workload = null;
    for (Resource<PeerAuthentication> pa : selecting.getOrDefault(namespace, List.of())) {
      if (pa.spec().selector().matches(labels)) {
        workload = pa;
        break;
      }
    }
    if (workload == null) {
      return mesh == null && ns == null ? WorkloadMtls.DEFAULT : new WorkloadMtls(mode, Map.of(), decidedBy);
    }
    decidedBy.add(workload.id());
    mode = inherit(mode, workload.spec().modeOrUnset());
    Map<Integer, Mode> ports = new HashMap<>();
    for (Map.Entry<Integer, Mtls> e : workload.spec().portLevelMtls().entrySet()) {
      ports.put(e.getKey(), inherit(mode, e.getValue().modeOrUnset()));
    }
    return new WorkloadMtls(mode, ports, decidedBy);
  }

  private static Mode inherit(Mode parent, Mode own) {
    return own == Mode.UNSET ? parent : own;
  }
}
