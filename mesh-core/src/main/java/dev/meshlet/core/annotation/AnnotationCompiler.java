package dev.meshlet.core.annotation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.core.config.Hosts;
import dev.meshlet.core.config.MeshletAnnotations;
import dev.meshlet.core.config.Problem;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compiles {@link MeshClient} declarations to the VirtualServices and DestinationRules YAML
 * would give: {@link Retry} and {@link Timeout} to a route, {@link CircuitBreaker} to a
 * connection pool and outlier detection, {@link LoadBalancer} to a load balancer,
 * {@link Idempotent} to the {@value MeshletAnnotations#IDEMPOTENT_METHODS} annotation. The
 * resources go through the same binder and validation as YAML, and a problem is reported on
 * the annotation element that caused it.
 */
public final class AnnotationCompiler {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AnnotationCompiler() {}

  /**
   * The resources for {@code declarations} of a service in {@code namespace}.
   *
   * @throws InvalidAnnotationException naming every annotation element whose value is invalid,
   *     and hosts declared twice with different policies
   */
  public static List<Resource<?>> compile(String namespace, List<ClientDeclaration> declarations) {
    Map<String, ClientDeclaration> byHost = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (ClientDeclaration d : declarations) {
      String host = d.client().value().trim();
      if (host.isEmpty()) {
        problems.add("@MeshClient.value = \"\" on " + d.where() + ": a host is required");
        continue;
      }
      if (!d.hasPolicy()) {
        continue;
      }
      String fqdn = Hosts.resolve(host, namespace);
      ClientDeclaration first = byHost.putIfAbsent(fqdn, d);
      if (first != null && !samePolicy(first, d)) {
        problems.add("@MeshClient(\"" + host + "\") on " + d.where() + " declares other policies than on "
            + first.where() + " for the same host; declare them once");
      }
    }
    List<Resource<?>> out = new ArrayList<>();
    for (ClientDeclaration d : byHost.values()) {
      compileOne(namespace, d, out, problems);
    }
    if (!problems.isEmpty()) {
      throw new InvalidAnnotationException(problems);
    }
    return List.copyOf(out);
  }

  private static boolean samePolicy(ClientDeclaration a, ClientDeclaration b) {
    return java.util.Objects.equals(a.retry(), b.retry())
        && java.util.Objects.equals(a.timeout(), b.timeout())
        && java.util.Objects.equals(a.circuitBreaker(), b.circuitBreaker())
        && java.util.Objects.equals(a.loadBalancer(), b.loadBalancer())
        && java.util.Objects.equals(a.idempotent(), b.idempotent());
  }

  private static void compileOne(String namespace, ClientDeclaration d, List<Resource<?>> out, List<String> problems) {
    String host = d.client().value().trim();
    String name = resourceName(host);
    if (d.retry() != null || d.timeout() != null || d.idempotent() != null) {
      Map<String, String> elements = new HashMap<>();
      ObjectNode route = NODES.objectNode();
      route.putArray("route").addObject().putObject("destination").put("host", host);
      if (d.timeout() != null) {
        route.put("timeout", d.timeout().value());
        elements.put("spec.http[0].timeout", "@Timeout.value = \"" + d.timeout().value() + "\"");
      }
      if (d.retry() != null) {
        Retry r = d.retry();
        ObjectNode retries = route.putObject("retries");
        retries.put("attempts", r.attempts());
        elements.put("spec.http[0].retries.attempts", "@Retry.attempts = " + r.attempts());
        if (!r.perTryTimeout().isEmpty()) {
          retries.put("perTryTimeout", r.perTryTimeout());
          elements.put("spec.http[0].retries.perTryTimeout", "@Retry.perTryTimeout = \"" + r.perTryTimeout() + "\"");
        }
        if (!r.retryOn().isEmpty()) {
          retries.put("retryOn", r.retryOn());
          elements.put("spec.http[0].retries.retryOn", "@Retry.retryOn = \"" + r.retryOn() + "\"");
        }
        retries.put("retryIgnorePreviousHosts", r.retryIgnorePreviousHosts());
      }
      ObjectNode spec = NODES.objectNode();
      spec.putArray("hosts").add(host);
      spec.putArray("http").add(route);
      ObjectNode meta = metadata(name, namespace, d);
      if (d.idempotent() != null) {
        String methods = d.idempotent().methods().length == 0
            ? "*"
            : String.join(",", d.idempotent().methods()).toUpperCase(Locale.ROOT);
        ((ObjectNode) meta.get("annotations")).put(MeshletAnnotations.IDEMPOTENT_METHODS, methods);
      }
      read(document("VirtualService", meta, spec), d, elements, out, problems);
    }
    if (d.circuitBreaker() != null || d.loadBalancer() != null) {
      Map<String, String> elements = new HashMap<>();
      ObjectNode policy = NODES.objectNode();
      if (d.loadBalancer() != null) {
        loadBalancer(d.loadBalancer(), policy.putObject("loadBalancer"), elements);
      }
      if (d.circuitBreaker() != null) {
        circuitBreaker(d.circuitBreaker(), policy, elements);
      }
      ObjectNode spec = NODES.objectNode();
      spec.put("host", host);
      spec.set("trafficPolicy", policy);
      read(document("DestinationRule", metadata(name, namespace, d), spec), d, elements, out, problems);
    }
  }

  private static void loadBalancer(LoadBalancer lb, ObjectNode node, Map<String, String> elements) {
    String at = "spec.trafficPolicy.loadBalancer.consistentHash.";
    if (!lb.hashHeader().isEmpty()) {
      node.putObject("consistentHash").put("httpHeaderName", lb.hashHeader());
      elements.put(at + "httpHeaderName", "@LoadBalancer.hashHeader = \"" + lb.hashHeader() + "\"");
    } else if (!lb.hashCookie().isEmpty()) {
      ObjectNode cookie = node.putObject("consistentHash").putObject("httpCookie");
      cookie.put("name", lb.hashCookie());
      if (!lb.hashCookieTtl().isEmpty()) {
        cookie.put("ttl", lb.hashCookieTtl());
      }
      elements.put(at + "httpCookie.name", "@LoadBalancer.hashCookie = \"" + lb.hashCookie() + "\"");
      elements.put(at + "httpCookie.ttl", "@LoadBalancer.hashCookieTtl = \"" + lb.hashCookieTtl() + "\"");
      elements.put(at + "httpCookie", "@LoadBalancer.hashCookieTtl = \"" + lb.hashCookieTtl() + "\"");
    } else if (!lb.hashQueryParameter().isEmpty()) {
      node.putObject("consistentHash").put("httpQueryParameterName", lb.hashQueryParameter());
      elements.put(at + "httpQueryParameterName", "@LoadBalancer.hashQueryParameter = \"" + lb.hashQueryParameter() + "\"");
    } else if (lb.hashSourceIp()) {
      node.putObject("consistentHash").put("useSourceIp", true);
    } else {
      node.put("simple", lb.value().name());
    }
  }

  private static void circuitBreaker(CircuitBreaker cb, ObjectNode policy, Map<String, String> elements) {
    ObjectNode pool = NODES.objectNode();
    if (cb.maxConnections() != -1) {
      pool.putObject("tcp").put("maxConnections", cb.maxConnections());
      elements.put("spec.trafficPolicy.connectionPool.tcp.maxConnections", "@CircuitBreaker.maxConnections = " + cb.maxConnections());
    }
    ObjectNode http = NODES.objectNode();
    putIfSet(http, "http1MaxPendingRequests", cb.maxPendingRequests(), "@CircuitBreaker.maxPendingRequests",
        "spec.trafficPolicy.connectionPool.http.", elements);
    putIfSet(http, "http2MaxRequests", cb.maxRequests(), "@CircuitBreaker.maxRequests",
        "spec.trafficPolicy.connectionPool.http.", elements);
    putIfSet(http, "maxRetries", cb.maxRetries(), "@CircuitBreaker.maxRetries",
        "spec.trafficPolicy.connectionPool.http.", elements);
    if (!http.isEmpty()) {
      pool.set("http", http);
    }
    if (!pool.isEmpty()) {
      policy.set("connectionPool", pool);
    }
    ObjectNode od = NODES.objectNode();
    String at = "spec.trafficPolicy.outlierDetection.";
    putIfSet(od, "consecutive5xxErrors", cb.consecutive5xxErrors(), "@CircuitBreaker.consecutive5xxErrors", at, elements);
    putIfSet(od, "consecutiveGatewayErrors", cb.consecutiveGatewayErrors(), "@CircuitBreaker.consecutiveGatewayErrors", at, elements);
    putIfSet(od, "maxEjectionPercent", cb.maxEjectionPercent(), "@CircuitBreaker.maxEjectionPercent", at, elements);
    if (!cb.interval().isEmpty()) {
      od.put("interval", cb.interval());
      elements.put(at + "interval", "@CircuitBreaker.interval = \"" + cb.interval() + "\"");
    }
    if (!cb.baseEjectionTime().isEmpty()) {
      od.put("baseEjectionTime", cb.baseEjectionTime());
      elements.put(at + "baseEjectionTime", "@CircuitBreaker.baseEjectionTime = \"" + cb.baseEjectionTime() + "\"");
    }
    if (!od.isEmpty()) {
      policy.set("outlierDetection", od);
    }
  }

  private static void putIfSet(ObjectNode node, String field, int value, String element, String at, Map<String, String> elements) {
    if (value != -1) {
      node.put(field, value);
      elements.put(at + field, element + " = " + value);
    }
  }

  private static ObjectNode metadata(String name, String namespace, ClientDeclaration d) {
    ObjectNode meta = NODES.objectNode();
    meta.put("name", name);
    meta.put("namespace", namespace);
    meta.putObject("annotations").put(MeshletAnnotations.SOURCE, "annotation on " + d.where());
    return meta;
  }

  private static ObjectNode document(String kind, ObjectNode meta, ObjectNode spec) {
    ObjectNode doc = NODES.objectNode();
    doc.put("apiVersion", "networking.istio.io/v1");
    doc.put("kind", kind);
    doc.set("metadata", meta);
    doc.set("spec", spec);
    return doc;
  }

  private static void read(
      ObjectNode doc, ClientDeclaration d, Map<String, String> elements, List<Resource<?>> out, List<String> problems) {
    ResourceReport report = ConfigReader.readDocument("annotation on " + d.where(), 0, doc);
    for (Problem p : report.errors()) {
      problems.add(describe(p, d, elements));
    }
    if (report.valid()) {
      out.add(report.resource());
    }
  }

  /** Names the annotation element behind a problem's path (or the nearest enclosing one). */
  private static String describe(Problem p, ClientDeclaration d, Map<String, String> elements) {
    String path = p.path();
    while (!path.isEmpty()) {
      String element = elements.get(path);
      if (element != null) {
        return element + " on " + d.where() + ": " + p.message();
      }
      int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
      path = cut < 0 ? "" : path.substring(0, cut);
    }
    return "@MeshClient(\"" + d.client().value() + "\") on " + d.where() + ": " + p;
  }

  /** A Kubernetes name from a host: {@code reviews.default} becomes {@code reviews-default-meshlet}. */
  static String resourceName(String host) {
    String base = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (base.isEmpty()) {
      base = "host";
    }
    if (base.length() > 200) {
      base = base.substring(0, 200);
    }
    return base + "-meshlet";
  }
}
