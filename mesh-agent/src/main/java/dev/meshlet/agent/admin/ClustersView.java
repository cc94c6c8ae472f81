package dev.meshlet.agent.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.routing.ClusterStatus;
import dev.meshlet.routing.outlier.EndpointHealth;
import dev.meshlet.routing.pool.PoolStats;
import java.util.List;

/**
 * The {@code /clusters} view: Envoy's text lines ({@code cluster::host:port::stat::value}), which
 * scripts grep, or JSON with {@code ?format=json}.
 */
final class ClustersView {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ClustersView() {}

  static String text(List<ClusterStatus> clusters) {
    StringBuilder out = new StringBuilder();
    for (ClusterStatus c : clusters) {
      String n = c.name();
      line(out, n, "lb_policy", c.loadBalancer());
      line(out, n, "tls_mode", c.tls());
      line(out, n, "outlier_detection", c.outlierDetection() ? (c.panic() ? "on (panic: every endpoint eligible)" : "on") : "off");
      PoolStats p = c.pool();
      line(out, n, "rq_active", p.activeRequests());
      line(out, n, "cx_active", p.activeConnections());
      line(out, n, "rq_pending", p.pendingRequests());
      line(out, n, "rq_retry_active", p.activeRetries());
      line(out, n, "upstream_rq_overflow", p.requestOverflows());
      line(out, n, "upstream_rq_pending_overflow", p.pendingOverflows());
      line(out, n, "upstream_rq_retry_overflow", p.retryOverflows());
      for (ClusterStatus.EndpointStatus e : c.endpoints()) {
        String h = n + "::" + e.endpoint().hostPort();
        line(out, h, "health_flags", e.healthFlags());
        line(out, h, "weight", e.weight());
        line(out, h, "rq_active", e.activeRequests());
        if (e.endpoint().locality() != null) {
          line(out, h, "zone", e.endpoint().locality());
        }
        EndpointHealth health = e.health();
        if (health != null) {
          line(out, h, "ejections_total", health.totalEjections());
          if (health.ejectedUntil() != null) {
            line(out, h, "ejected_until", health.ejectedUntil());
          }
          line(out, h, "consecutive_5xx", health.consecutive5xx());
          line(out, h, "consecutive_gateway_errors", health.consecutiveGatewayErrors());
          line(out, h, "consecutive_local_origin_failures", health.consecutiveLocalOriginFailures());
        }
      }
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String prefix, String stat, Object value) {
    out.append(prefix).append("::").append(stat).append("::").append(value).append('\n');
  }

  static ObjectNode json(List<ClusterStatus> clusters) {
    ObjectNode root = NODES.objectNode();
    ArrayNode list = root.putArray("clusters");
    for (ClusterStatus c : clusters) {
      ObjectNode node = list.addObject();
      node.put("name", c.name());
      node.put("host", c.host());
      node.put("port", c.port());
      if (c.subset() != null) {
        node.put("subset", c.subset());
      }
      node.put("lbPolicy", c.loadBalancer());
      node.put("tlsMode", c.tls());
      node.put("outlierDetection", c.outlierDetection());
      node.put("panic", c.panic());
      PoolStats p = c.pool();
      ObjectNode pool = node.putObject("pool");
      pool.put("activeRequests", p.activeRequests());
      pool.put("activeConnections", p.activeConnections());
      pool.put("pendingRequests", p.pendingRequests());
      pool.put("activeRetries", p.activeRetries());
      pool.put("requestOverflows", p.requestOverflows());
      pool.put("pendingOverflows", p.pendingOverflows());
      pool.put("retryOverflows", p.retryOverflows());
      ArrayNode endpoints = node.putArray("endpoints");
      for (ClusterStatus.EndpointStatus e : c.endpoints()) {
        ObjectNode en = endpoints.addObject();
        en.put("address", e.endpoint().hostPort());
        en.put("healthFlags", e.healthFlags());
        en.put("weight", e.weight());
        en.put("activeRequests", e.activeRequests());
        if (e.endpoint().locality() != null) {
          en.put("locality", e.endpoint().locality());
        }
        if (e.endpoint().serviceAccount() != null) {
          en.put("serviceAccount", e.endpoint().serviceAccount());
        }
        ObjectNode labels = en.putObject("labels");
        e.labels().forEach(labels::put);
        EndpointHealth h = e.health();
        if (h != null) {
          ObjectNode outlier = en.putObject("outlier");
          outlier.put("ejected", h.ejected());
          if (h.ejectedUntil() != null) {
            outlier.put("ejectedUntil", h.ejectedUntil().toString());
          }
          outlier.put("timesEjected", h.timesEjected());
          outlier.put("totalEjections", h.totalEjections());
          outlier.put("consecutive5xx", h.consecutive5xx());
          outlier.put("consecutiveGatewayErrors", h.consecutiveGatewayErrors());
          outlier.put("consecutiveLocalOriginFailures", h.consecutiveLocalOriginFailures());
        }
      }
    }
    return root;
  }
}
