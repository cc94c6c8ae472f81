package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.networking.ClientTlsSettings;
import dev.meshlet.core.config.networking.ConnectionPoolSettings;
import dev.meshlet.core.config.networking.LoadBalancerSettings;
import dev.meshlet.core.config.networking.LocalityLoadBalancerSetting;
import dev.meshlet.core.config.networking.OutlierDetection;
import dev.meshlet.core.config.networking.ServerTlsSettings;
import dev.meshlet.core.config.networking.TrafficPolicy;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Istio's checks of traffic policies, shared by DestinationRule (top level, subsets, ports) and
 * Sidecar (inbound connection pools, ingress TLS): validateTrafficPolicy,
 * validateConnectionPool, validateOutlierDetection, validateLoadBalancer,
 * ValidateLocalityLbSetting, ValidateTLS and validateTLSOptions, with the CRD schema's oneOf,
 * required and minimum rules.
 */
final class PolicyChecks {
  private static final Set<String> TOPOLOGY_LABELS =
      Set.of("topology.kubernetes.io/region", "topology.kubernetes.io/zone", "topology.istio.io/subzone");

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
    loadBalancer(c, path + ".loadBalancer", p.loadBalancer(), p.outlierDetection());
    clientTls(c, path + ".tls", p.tls());
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
    loadBalancer(c, path + ".loadBalancer", p.loadBalancer(), p.outlierDetection());
    clientTls(c, path + ".tls", p.tls());
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
      String fqdnErr = NetChecks.fqdn(t.targetHost());
      if (fqdnErr != null && !NetChecks.isIpAddress(t.targetHost())) {
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

  static void loadBalancer(Checks c, String path, @Nullable LoadBalancerSettings lb, @Nullable OutlierDetection outlier) {
    if (lb == null) {
      return;
    }
    if (lb.simple() != null && lb.consistentHash() != null) {
      c.error(path, "only one of simple or consistentHash may be set");
    }
    LoadBalancerSettings.ConsistentHashLb ch = lb.consistentHash();
    if (ch != null) {
      String at = path + ".consistentHash";
      int keys = (ch.httpHeaderName() != null ? 1 : 0) + (ch.httpCookie() != null ? 1 : 0)
          + (ch.useSourceIp() != null ? 1 : 0) + (ch.httpQueryParameterName() != null ? 1 : 0);
      if (keys > 1) {
        c.error(at, "only one of httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName may be set");
      }
      if (ch.ringHash() != null && ch.maglev() != null) {
        c.error(at, "only one of ringHash or maglev may be set");
      }
      if (ch.httpCookie() != null) {
        if (ch.httpCookie().name() == null || ch.httpCookie().name().isEmpty()) {
          c.error(at + ".httpCookie.name", "name required for HttpCookie");
        }
        List<LoadBalancerSettings.Attribute> attributes = ch.httpCookie().attributes();
        for (int i = 0; i < attributes.size(); i++) {
          if (attributes.get(i).name() == null) {
            c.error(at + ".httpCookie.attributes[" + i + "].name", "name is required");
          }
        }
        if (ch.httpCookie().ttl() != null && ch.httpCookie().ttl().isNegative()) {
          c.error(at + ".httpCookie.ttl", "duration must not be negative");
        }
      }
      long minRing = ch.minimumRingSize() == null ? 0 : ch.minimumRingSize();
      NetChecks.unsigned(c, at + ".minimumRingSize", ch.minimumRingSize());
      if (minRing != 0) {
        c.warn(at + ".minimumRingSize",
            "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead");
        if (ch.ringHash() != null || ch.maglev() != null) {
          c.error(at + ".minimumRingSize", "only one of MinimumRingSize or Maglev/Ringhash can be specified");
        }
      }
      if (ch.ringHash() != null) {
        NetChecks.unsigned(c, at + ".ringHash.minimumRingSize", ch.ringHash().minimumRingSize());
      }
      if (ch.maglev() != null) {
        long size = ch.maglev().tableSize() == null ? 0 : ch.maglev().tableSize();
        String sp = at + ".maglev.tableSize";
        if (size < 0) {
          NetChecks.unsigned(c, sp, size);
        } else if (size == 0) {
          c.error(sp, "tableSize must be set for maglev");
        } else {
          if (size >= 5000011) {
            c.error(sp, "tableSize must be less than 5000011 for maglev");
          }
          if (!isPrime(size)) {
            c.error(sp, "tableSize must be a prime number for maglev (it is " + size + ")");
          }
        }
      }
    }
    localityLbSetting(c, path + ".localityLbSetting", lb.localityLbSetting(), outlier);
    if (lb.warmupDurationSecs() != null) {
      c.duration(path + ".warmupDurationSecs", lb.warmupDurationSecs());
      c.warn(path + ".warmupDurationSecs", "warmupDurationSecs is deprecated, use warmup.duration instead");
    }
    LoadBalancerSettings.WarmupConfiguration w = lb.warmup();
    if (w != null) {
      if (w.duration() == null) {
        c.error(path + ".warmup.duration", "duration is required");
      } else {
        c.duration(path + ".warmup.duration", w.duration());
      }
      if (w.minimumPercent() != null && (w.minimumPercent() < 0 || w.minimumPercent() > 100)) {
        c.error(path + ".warmup.minimumPercent", w.minimumPercent() + " is not a percentage (expected: 0..100)");
      }
      if (w.aggression() != null && w.aggression() < 1) {
        c.error(path + ".warmup.aggression", w.aggression() + " is below 1 (expected: 1 or more; 1 is linear)");
      }
    }
  }

  // Envoy's (and so Istio's) primality test for Maglev table sizes.
  private static boolean isPrime(long x) {
    if (x != 0 && x < 4) {
      return true;
    }
    if ((x & 1) == 0) {
      return false;
    }
    long limit = (long) Math.sqrt((double) x);
    for (long f = 3; f <= limit; f += 2) {
      if (x % f == 0) {
        return false;
      }
    }
    return true;
  }

  static void localityLbSetting(Checks c, String path, @Nullable LocalityLoadBalancerSetting lb,
      @Nullable OutlierDetection outlier) {
    if (lb == null) {
      return;
    }
    if (!lb.distribute().isEmpty() && !lb.failover().isEmpty()) {
      c.error(path, "can not simultaneously specify 'distribute' and 'failover'");
      return;
    }
    if (!lb.failover().isEmpty()) {
      for (String label : lb.failoverPriority()) {
        if (TOPOLOGY_LABELS.contains(label)) {
          c.error(path + ".failoverPriority",
              "can not simultaneously set 'failover' and topology label '" + label + "' in 'failover_priority'");
          return;
        }
      }
    }
    for (int i = 0; i < lb.distribute().size(); i++) {
      LocalityLoadBalancerSetting.Distribute d = lb.distribute().get(i);
      String at = path + ".distribute[" + i + "]";
      long total = 0;
      for (Map.Entry<String, Integer> e : d.to().entrySet()) {
        if (e.getValue() <= 0 || e.getValue() > 100) {
          c.error(at + ".to[" + e.getKey() + "]", "locality weight must be in range [1, 100] (it is " + e.getValue() + ")");
          return;
        }
        total += e.getValue();
      }
      if (total != 100) {
        c.error(at + ".to", "total locality weight " + total + " != 100");
        return;
      }
      String err = localities(d.to().keySet().stream().sorted().toList());
      if (err != null) {
        c.error(at + ".to", err);
      }
    }
    String err = localities(lb.distribute().stream().map(d -> d.from() == null ? "" : d.from()).toList());
    if (err != null) {
      c.error(path + ".distribute", err);
    }
    if ((!lb.failover().isEmpty() || !lb.failoverPriority().isEmpty()) && outlier == null) {
      c.warn(path, "outlier detection policy must be provided for failover");
    }
    for (int i = 0; i < lb.failover().size(); i++) {
      LocalityLoadBalancerSetting.Failover f = lb.failover().get(i);
      String at = path + ".failover[" + i + "]";
      String from = f.from() == null ? "" : f.from();
      String to = f.to() == null ? "" : f.to();
      if (from.equals(to)) {
        c.error(at, "locality lb failover settings must specify different regions");
      }
      if (from.contains("/") || to.contains("/")) {
        c.error(at, "locality lb failover only specify region");
      }
      if (from.contains("*") || to.contains("*")) {
        c.error(at, "locality lb failover region should not contain '*' wildcard");
      }
    }
  }

  /** Istio's validateLocalities: region/zone/subzone, a '*' only at the end, no overlaps. */
  private static @Nullable String localities(List<String> localities) {
    Map<String, Map<String, Set<String>>> seen = new HashMap<>();
    for (String locality : localities) {
      long stars = locality.chars().filter(ch -> ch == '*').count();
      if (stars > 1 || (stars == 1 && !locality.endsWith("*"))) {
        return "locality " + locality + " wildcard '*' number can not exceed 1 and must be in the end";
      }
      if (seen.containsKey("*")) {
        return "locality " + locality + " overlap with previous specified ones";
      }
      String[] items = locality.split("/", 3);
      for (String item : items) {
        if (item.isEmpty()) {
          return "locality " + locality + " must not contain empty region/zone/subzone info";
        }
      }
      String region = items[0];
      Map<String, Set<String>> zones = seen.get(region);
      switch (items.length) {
        case 1 -> {
          if (zones != null) {
            return "locality " + locality + " overlap with previous specified ones";
          }
          seen.put(region, new HashMap<>(Map.of("*", new HashSet<>(Set.of("*")))));
        }
        case 2 -> {
          if (zones != null && (zones.containsKey("*") || zones.containsKey(items[1]))) {
            return "locality " + locality + " overlap with previous specified ones";
          }
          seen.computeIfAbsent(region, k -> new HashMap<>()).put(items[1], new HashSet<>(Set.of("*")));
        }
        default -> {
          if (zones != null) {
            if (zones.containsKey("*")) {
              return "locality " + locality + " overlap with previous specified ones";
            }
            Set<String> subzones = zones.get(items[1]);
            if (subzones != null && (subzones.contains("*") || subzones.contains(items[2]))) {
              return "locality " + locality + " overlap with previous specified ones";
            }
          }
          seen.computeIfAbsent(region, k -> new HashMap<>()).computeIfAbsent(items[1], k -> new HashSet<>()).add(items[2]);
        }
      }
    }
    return null;
  }

  /** Istio's ValidateTLS for ClientTLSSettings. */
  static void clientTls(Checks c, String path, @Nullable ClientTlsSettings t) {
    if (t == null) {
      return;
    }
    ClientTlsSettings.TlsMode mode = t.mode() == null ? ClientTlsSettings.TlsMode.DISABLE : t.mode();
    boolean caCerts = notEmpty(t.caCertificates());
    boolean credential = notEmpty(t.credentialName());
    if (Boolean.TRUE.equals(t.insecureSkipVerify())) {
      if (mode == ClientTlsSettings.TlsMode.SIMPLE && (caCerts || credential || !t.subjectAltNames().isEmpty())) {
        c.error(path, "cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true");
      }
      if (mode == ClientTlsSettings.TlsMode.MUTUAL && (caCerts || !t.subjectAltNames().isEmpty())) {
        c.error(path, "cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true");
      }
    }
    boolean simpleOrMutual = mode == ClientTlsSettings.TlsMode.SIMPLE || mode == ClientTlsSettings.TlsMode.MUTUAL;
    if (simpleOrMutual && credential) {
      if (notEmpty(t.clientCertificate()) || caCerts || notEmpty(t.privateKey()) || notEmpty(t.caCrl())) {
        c.error(path, "cannot specify client certificates or CA certificate or CA CRL If credentialName is set");
      }
      return; // the credential holds everything
    }
    if (mode == ClientTlsSettings.TlsMode.MUTUAL) {
      if (!notEmpty(t.clientCertificate())) {
        c.error(path + ".clientCertificate", "client certificate required for mutual tls");
      }
      if (!notEmpty(t.privateKey())) {
        c.error(path + ".privateKey", "private key required for mutual tls");
      }
    }
  }

  /** Istio's validateTLSOptions for ServerTLSSettings, with the CRD's exclusivity rules. */
  static void serverTls(Checks c, String path, ServerTlsSettings t) {
    if (!t.tlsCertificates().isEmpty() && !t.credentialNames().isEmpty()) {
      c.error(path, "only one of credentialNames or tlsCertificates can be set");
    }
    if (notEmpty(t.credentialName()) && !t.credentialNames().isEmpty()) {
      c.error(path, "only one of credentialName or credentialNames can be set");
    }
    if (t.credentialNames().size() > 2) {
      c.error(path + ".credentialNames", "at most 2 entries are allowed");
    }
    if (t.tlsCertificates().size() > 2) {
      c.error(path + ".tlsCertificates", "at most 2 entries are allowed");
    }
    if ((t.minProtocolVersion() == ServerTlsSettings.TlsProtocol.TLSV1_0
        || t.minProtocolVersion() == ServerTlsSettings.TlsProtocol.TLSV1_1) && t.cipherSuites().isEmpty()) {
      c.warn(path + ".minProtocolVersion",
          "TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.");
    }
    Set<String> ciphers = new HashSet<>();
    for (String cs : t.cipherSuites()) {
      if (!ciphers.add(cs)) {
        c.warn(path + ".cipherSuites", "ignoring duplicate cipher suites: [" + cs + "]");
      }
    }
    ServerTlsSettings.TlsMode mode = t.mode() == null ? ServerTlsSettings.TlsMode.PASSTHROUGH : t.mode();
    boolean cert = notEmpty(t.serverCertificate()) || !t.tlsCertificates().isEmpty();
    boolean key = notEmpty(t.privateKey()) || !t.tlsCertificates().isEmpty();
    boolean credential = notEmpty(t.credentialName()) || !t.credentialNames().isEmpty();
    if (mode == ServerTlsSettings.TlsMode.ISTIO_MUTUAL) {
      if (notEmpty(t.serverCertificate())) {
        c.error(path + ".serverCertificate", "ISTIO_MUTUAL TLS cannot have associated server certificate");
      }
      if (notEmpty(t.privateKey())) {
        c.error(path + ".privateKey", "ISTIO_MUTUAL TLS cannot have associated private key");
      }
      if (notEmpty(t.caCertificates())) {
        c.error(path + ".caCertificates", "ISTIO_MUTUAL TLS cannot have associated CA bundle");
      }
      if (notEmpty(t.credentialName())) {
        c.error(path + ".credentialName", "ISTIO_MUTUAL TLS cannot have associated credentialName");
      }
      return;
    }
    if ((mode == ServerTlsSettings.TlsMode.PASSTHROUGH || mode == ServerTlsSettings.TlsMode.AUTO_PASSTHROUGH)
        && (notEmpty(t.caCrl()) || cert || key || notEmpty(t.caCertificates()) || credential)) {
      c.warn(path, mode + " mode does not use certificates, they will be ignored");
    }
    boolean terminating = mode == ServerTlsSettings.TlsMode.SIMPLE || mode == ServerTlsSettings.TlsMode.MUTUAL
        || mode == ServerTlsSettings.TlsMode.OPTIONAL_MUTUAL;
    if (terminating && credential) {
      return; // certificates are fetched by credential name
    }
    if (mode == ServerTlsSettings.TlsMode.SIMPLE) {
      if (!cert) {
        c.error(path + ".serverCertificate", "SIMPLE TLS requires a server certificate");
      }
      if (!key) {
        c.error(path + ".privateKey", "SIMPLE TLS requires a private key");
      }
    } else if (mode == ServerTlsSettings.TlsMode.MUTUAL || mode == ServerTlsSettings.TlsMode.OPTIONAL_MUTUAL) {
      if (!cert) {
        c.error(path + ".serverCertificate", "MUTUAL TLS requires a server certificate");
      }
      if (!key) {
        c.error(path + ".privateKey", "MUTUAL TLS requires a private key");
      }
      if (!notEmpty(t.caCertificates()) && !notEmpty(t.caCertCredentialName())) {
        c.error(path + ".caCertificates", "MUTUAL TLS requires a client CA bundle");
      }
    }
    if (notEmpty(t.caCrl())) {
      if (notEmpty(t.credentialName())) {
        c.error(path + ".caCrl", "CRL is not supported with credentialName. CRL has to be specified in the credential");
      }
      if (mode == ServerTlsSettings.TlsMode.SIMPLE) {
        c.error(path + ".caCrl", "CRL is not supported with SIMPLE TLS");
      }
    }
  }

  static boolean notEmpty(@Nullable String s) {
    return s != null && !s.isEmpty();
  }
}
