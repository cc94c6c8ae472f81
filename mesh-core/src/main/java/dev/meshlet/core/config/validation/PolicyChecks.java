package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.networking.ConnectionPoolSettings;
import dev.meshlet.core.config.networking.OutlierDetection;
import dev.meshlet.core.config.networking.TrafficPolicy;
import org.jspecify.annotations.Nullable;

/**
 * Istio's checks of traffic policies, shared by DestinationRule (top level, subsets, ports) and
 * Sidecar (connection pools): validateTrafficPolicy, validateConnectionPool,
 * validateOutlierDetection, with the CRD schema's required and minimum rules. Load balancing and
 * TLS have their own classes.
 */
final class PolicyChecks {
  private PolicyChecks() {}

  static void trafficPolicy(Checks c, String path, @Nullable TrafficPolicy p) {
    if (p == null) {
      return;
    }
    if (p.outlierDetection() == null && p.connectionPool() == null && p.loadBalancer() == null && p.tls() == null
        && p.portLevelSettings().isEmpty() && p.tunnel() == null && p.proxyProtocol() == null
        && p.retryBudget() == null) {
      c.error(path, "traffic policy must have at least one field");
      return;
    }
    if (p.tunnel() != null && p.proxyProtocol() != null) {
      c.error(path, "tunnel and proxyProtocol must not be set together");
      return;
    }
    outlierDetection(c, path + ".outlierDetection", p.outlierDetection());
    connectionPool(c, path + ".connectionPool", p.connectionPool());
    LoadBalancerChecks.loadBalancer(c, path + ".loadBalancer", p.loadBalancer(), p.outlierDetection());
    TlsChecks.clientTls(c, path + ".tls", p.tls());
    for (int i = 0; i < p.portLevelSettings().size(); i++) {
      portTrafficPolicy(c, path + ".portLevelSettings[" + i + "]", p.portLevelSettings().get(i));
    }
    if (p.portLevelSettings().size() > 4096) {
      c.error(path + ".portLevelSettings", "at most 4096 entries are allowed");
    }
    tunnel(c, path + ".tunnel", p.tunnel());
    retryBudget(c, path + ".retryBudget", p.retryBudget());
  }

  private static void portTrafficPolicy(Checks c, String path, TrafficPolicy.PortTrafficPolicy p) {
    if (p.port() == null) {
      c.error(path + ".port", "portTrafficPolicy must have valid port");
    } else {
      NetChecks.unsigned(c, path + ".port.number", p.port().number());
    }
    if (p.outlierDetection() == null && p.connectionPool() == null && p.loadBalancer() == null && p.tls() == null) {
      c.error(path, "port traffic policy must have at least one field");
      return;
    }
    outlierDetection(c, path + ".outlierDetection", p.outlierDetection());
    connectionPool(c, path + ".connectionPool", p.connectionPool());
    LoadBalancerChecks.loadBalancer(c, path + ".loadBalancer", p.loadBalancer(), p.outlierDetection());
    TlsChecks.clientTls(c, path + ".tls", p.tls());
  }

  private static void tunnel(Checks c, String path, TrafficPolicy.@Nullable TunnelSettings t) {
    if (t == null) {
      return;
    }
    if (t.protocol() != null && !t.protocol().isEmpty() && !t.protocol().equals("CONNECT") && !t.protocol().equals("POST")) {
      c.error(path + ".protocol", "tunnel protocol must be \"CONNECT\" or \"POST\"");
    }
    if (t.targetHost() == null) {
      c.error(path + ".targetHost", "targetHost is required");
    } else {
      String fqdnErr = HostChecks.fqdn(t.targetHost());
      if (fqdnErr != null && !HostChecks.isIpAddress(t.targetHost())) {
        c.error(path + ".targetHost", "tunnel target host must be valid FQDN or IP address: " + fqdnErr);
      }
    }
    if (t.targetPort() == null) {
      c.error(path + ".targetPort", "targetPort is required");
    } else {
      NetChecks.port(c, path + ".targetPort", t.targetPort());
    }
  }

  private static void retryBudget(Checks c, String path, TrafficPolicy.@Nullable RetryBudget b) {
    if (b == null) {
      return;
    }
    if (b.percent() != null && (b.percent() < 0 || b.percent() > 100 || b.percent().isNaN())) {
      c.error(path + ".percent", b.percent() + " is not a percentage (expected: 0..100)");
    }
    NetChecks.unsigned(c, path + ".minRetryConcurrency", b.minRetryConcurrency());
    if (b.budgetInterval() != null && b.budgetInterval().isNegative()) {
      c.error(path + ".budgetInterval", "duration must not be negative");
    }
  }

  static void outlierDetection(Checks c, String path, @Nullable OutlierDetection o) {
    if (o == null) {
      return;
    }
    c.duration(path + ".baseEjectionTime", o.baseEjectionTime());
    if (o.consecutiveErrors() != null && o.consecutiveErrors() != 0) {
      c.warn(path + ".consecutiveErrors",
          "outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead");
    }
    NetChecks.unsigned(c, path + ".consecutiveLocalOriginFailures", o.consecutiveLocalOriginFailures());
    NetChecks.unsigned(c, path + ".consecutiveGatewayErrors", o.consecutiveGatewayErrors());
    NetChecks.unsigned(c, path + ".consecutive5xxErrors", o.consecutive5xxErrors());
    if (!Boolean.TRUE.equals(o.splitExternalLocalOriginErrors())
        && o.consecutiveLocalOriginFailures() != null && o.consecutiveLocalOriginFailures() > 0) {
      c.error(path + ".consecutiveLocalOriginFailures",
          "outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false");
    }
    c.duration(path + ".interval", o.interval());
    NetChecks.percent(c, path + ".maxEjectionPercent", o.maxEjectionPercent());
    NetChecks.percent(c, path + ".minHealthPercent", o.minHealthPercent());
  }

  static void connectionPool(Checks c, String path, @Nullable ConnectionPoolSettings s) {
    if (s == null) {
      return;
    }
    if (s.http() == null && s.tcp() == null) {
      c.error(path, "connection pool must have at least one field (tcp or http)");
      return;
    }
    ConnectionPoolSettings.HttpSettings h = s.http();
    if (h != null) {
      String at = path + ".http";
      nonNegative(c, at + ".http1MaxPendingRequests", h.http1MaxPendingRequests(), "http1 max pending requests");
      nonNegative(c, at + ".http2MaxRequests", h.http2MaxRequests(), "http2 max requests");
      nonNegative(c, at + ".maxRequestsPerConnection", h.maxRequestsPerConnection(), "max requests per connection");
      nonNegative(c, at + ".maxRetries", h.maxRetries(), "max retries");
      c.duration(at + ".idleTimeout", h.idleTimeout());
      if (h.h2UpgradePolicy() == ConnectionPoolSettings.H2UpgradePolicy.UPGRADE && Boolean.TRUE.equals(h.useClientProtocol())) {
        c.error(at + ".useClientProtocol", "use client protocol must not be true when H2UpgradePolicy is UPGRADE");
      }
      nonNegative(c, at + ".maxConcurrentStreams", h.maxConcurrentStreams(), "max concurrent streams");
      if (h.http2KeepAlive() != null) {
        c.duration(at + ".http2KeepAlive.interval", h.http2KeepAlive().interval());
        c.duration(at + ".http2KeepAlive.timeout", h.http2KeepAlive().timeout());
      }
    }
    ConnectionPoolSettings.TcpSettings t = s.tcp();
    if (t != null) {
      String at = path + ".tcp";
      nonNegative(c, at + ".maxConnections", t.maxConnections(), "max connections");
      c.duration(at + ".connectTimeout", t.connectTimeout());
      c.duration(at + ".maxConnectionDuration", t.maxConnectionDuration());
      c.duration(at + ".idleTimeout", t.idleTimeout());
      if (t.tcpKeepalive() != null) {
        c.duration(at + ".tcpKeepalive.time", t.tcpKeepalive().time());
        c.duration(at + ".tcpKeepalive.interval", t.tcpKeepalive().interval());
        NetChecks.unsigned(c, at + ".tcpKeepalive.probes", t.tcpKeepalive().probes());
      }
    }
  }

  private static void nonNegative(Checks c, String path, @Nullable Integer v, String what) {
    if (v != null && v < 0) {
      c.error(path, what + " must be non-negative (it is " + v + ")");
    }
  }

  static boolean notEmpty(@Nullable String s) {
    return s != null && !s.isEmpty();
  }
}
