package dev.meshlet.agent;

import dev.meshlet.core.annotation.InvalidAnnotationException;
import dev.meshlet.core.annotation.MeshService;
import dev.meshlet.core.annotation.Port;
import dev.meshlet.core.config.ObjectMeta;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.identity.TrustDomain;
import dev.meshlet.tls.identity.WorkloadIdentity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Who a service is in the mesh: name, namespace, labels ({@code app}, {@code version}, ...),
 * service account, trust domain and the ports it serves. Immutable.
 *
 * @param name the service name; also the {@code app} label unless one is given
 * @param namespace the namespace, {@code default} when empty
 * @param labels the workload labels, with {@code app} (and {@code version} when known)
 * @param serviceAccount the account its certificate names; the name when empty
 * @param trustDomain the trust domain, {@code cluster.local} when empty
 * @param ports port name to number
 */
public record ServiceIdentity(
    String name, String namespace, Map<String, String> labels, String serviceAccount, String trustDomain,
    Map<String, Integer> ports) {

  public ServiceIdentity {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name: \"" + name + "\" (expected: a service name such as reviews)");
    }
    namespace = namespace == null || namespace.isEmpty() ? ObjectMeta.DEFAULT_NAMESPACE : namespace;
    Map<String, String> l = new LinkedHashMap<>();
    l.put("app", name);
    if (labels != null) {
      l.putAll(labels);
    }
    labels = Map.copyOf(l);
    serviceAccount = serviceAccount == null || serviceAccount.isEmpty() ? name : serviceAccount;
    trustDomain = trustDomain == null || trustDomain.isEmpty() ? TrustDomain.DEFAULT.name() : trustDomain;
    ports = ports == null ? Map.of() : Map.copyOf(ports);
    ports.forEach((portName, number) -> {
      if (number < 1 || number > 65535) {
        throw new IllegalArgumentException("port " + portName + ": " + number + " (expected: 1..65535)");
      }
    });
  }

  /** A service in the {@code default} namespace with no version, ports or other labels. */
  public static ServiceIdentity of(String name) {
    return new ServiceIdentity(name, null, null, null, null, null);
  }

  /**
   * The identity {@code app}'s {@link MeshService} declares.
   *
   * @throws InvalidAnnotationException when the annotation is missing or holds a bad value, naming the element
   */
  public static ServiceIdentity fromAnnotation(Class<?> app) {
    MeshService s = app.getAnnotation(MeshService.class);
    String where = app.getName();
    if (s == null) {
      throw new InvalidAnnotationException(List.of("@MeshService is missing on " + where
          + " (expected: @MeshService(name = \"...\") on the class passed to Mesh.fromAnnotations)"));
    }
    List<String> problems = new ArrayList<>();
    if (s.name().isBlank()) {
      problems.add("@MeshService.name = \"" + s.name() + "\" on " + where + ": a service name is required");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (String kv : s.labels()) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        problems.add("@MeshService.labels = \"" + kv + "\" on " + where + ": expected key=value");
      } else {
        labels.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    if (!s.version().isEmpty()) {
      labels.put("version", s.version());
    }
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Port p : s.ports()) {
      if (p.number() < 1 || p.number() > 65535) {
        problems.add("@Port.number = " + p.number() + " on " + where + ": expected 1..65535");
      } else if (ports.putIfAbsent(p.name(), p.number()) != null) {
        problems.add("@Port.name = \"" + p.name() + "\" on " + where + ": declared twice");
      }
    }
    if (!s.trustDomain().isEmpty()) {
      try {
        TrustDomain.of(s.trustDomain());
      } catch (IllegalArgumentException e) {
        problems.add("@MeshService.trustDomain = \"" + s.trustDomain() + "\" on " + where + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidAnnotationException(problems);
    }
    return new ServiceIdentity(s.name(), s.namespace(), labels, s.serviceAccount(), s.trustDomain(), ports);
  }

  /** The {@code version} label, or null. */
  public @Nullable String version() {
    return labels.get("version");
  }

  /** This identity with {@code key=value} among its labels. */
  public ServiceIdentity withLabel(String key, String value) {
    Map<String, String> l = new LinkedHashMap<>(labels);
    l.put(key, value);
    return new ServiceIdentity(name, namespace, l, serviceAccount, trustDomain, ports);
  }

  /** This identity serving {@code number} under {@code portName}. */
  public ServiceIdentity withPort(String portName, int number) {
    Map<String, Integer> p = new LinkedHashMap<>(ports);
    p.put(portName, number);
    return new ServiceIdentity(name, namespace, labels, serviceAccount, trustDomain, p);
  }

  /** The workload identity its certificate carries. */
  public WorkloadIdentity workloadIdentity() {
    return new WorkloadIdentity(TrustDomain.of(trustDomain), namespace, serviceAccount);
  }

  /** {@code spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>}. */
  public SpiffeId spiffeId() {
    return workloadIdentity().spiffeId();
  }
}
