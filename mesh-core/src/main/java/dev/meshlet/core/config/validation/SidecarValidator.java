package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.networking.Sidecar;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Istio's ValidateSidecar: the workload selector, ingress listeners (port, bind, default
 * endpoint, TLS, connection pool), egress listeners (port, bind, hosts in
 * {@code namespace/dnsName} form), the inbound connection pool and the outbound traffic policy.
 *
 * <p>In-process there are no listeners to bind and no traffic to capture: the service's own
 * server takes its inbound calls, and the mesh-wrapped client makes its outbound ones. So the
 * fields that shape Envoy's listeners ({@code bind}, {@code captureMode},
 * {@code defaultEndpoint}, an ingress listener's {@code tls}, an egress listener's
 * {@code port}) are validated as Istio does and accepted with a warning that they are ignored;
 * egress {@code hosts}, {@code outboundTrafficPolicy} and the connection pools keep their meaning.
 */
public final class SidecarValidator implements SpecValidator<Sidecar> {
  private static final String UNIX = "unix://";
  private static final Set<String> LOOPBACK_HOSTS = Set.of("", "127.0.0.1", "0.0.0.0", "::1", "::");

  @Override
  public void validate(Resource<Sidecar> resource, Checks c) {
    Sidecar sc = resource.spec();
    NetChecks.workloadSelector(c, "spec.workloadSelector", sc.workloadSelector(), "sidecar");
    if (sc.egress().isEmpty() && sc.ingress().isEmpty() && sc.outboundTrafficPolicy() == null
        && sc.inboundConnectionPool() == null) {
      c.error("spec", "sidecar: empty configuration provided (expected ingress, egress, outboundTrafficPolicy or inboundConnectionPool)");
      return;
    }
    ingress(c, sc.ingress());
    PolicyChecks.connectionPool(c, "spec.inboundConnectionPool", sc.inboundConnectionPool());
    egress(c, sc.egress(), resource.namespace());
    outboundTrafficPolicy(c, sc.outboundTrafficPolicy());
  }

  private static void ingress(Checks c, List<Sidecar.IstioIngressListener> ingress) {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < ingress.size(); i++) {
      Sidecar.IstioIngressListener in = ingress.get(i);
      String p = "spec.ingress[" + i + "]";
      if (in.port() == null) {
        c.error(p + ".port", "sidecar: port is required for ingress listeners");
        continue;
      }
      if (in.port().targetPort() != null && in.port().targetPort() > 0) {
        c.error(p + ".port.targetPort", "targetPort has no impact on Sidecars");
      }
      if (in.port().name() != null && !in.port().name().isEmpty()) {
        NetChecks.portName(c, p + ".port.name", in.port().name());
      }
      NetChecks.protocol(c, p + ".port.protocol", in.port().protocol());
      NetChecks.port(c, p + ".port.number", in.port().number());
      bindAddress(c, p + ".bind", in.bind());
      int number = in.port().number() == null ? 0 : in.port().number();
      if (!ports.add(number)) {
        c.error(p + ".port.number", "sidecar: ports on IP bound listeners must be unique");
      }
      if (in.defaultEndpoint() != null && !in.defaultEndpoint().isEmpty()) {
        defaultEndpoint(c, p + ".defaultEndpoint", in.defaultEndpoint());
      }
      if (in.tls() != null) {
        String at = p + ".tls";
        if (!in.tls().subjectAltNames().isEmpty()) {
          c.error(at + ".subjectAltNames", "sidecar: subjectAltNames is not supported in ingress tls");
        }
        if (Boolean.TRUE.equals(in.tls().httpsRedirect())) {
          c.error(at + ".httpsRedirect", "sidecar: httpsRedirect is not supported");
        }
        if (in.tls().credentialName() != null && !in.tls().credentialName().isEmpty()) {
          c.error(at + ".credentialName", "sidecar: credentialName is not currently supported");
        }
        if (in.tls().mode() == dev.meshlet.core.config.networking.ServerTlsSettings.TlsMode.ISTIO_MUTUAL
            || in.tls().mode() == dev.meshlet.core.config.networking.ServerTlsSettings.TlsMode.AUTO_PASSTHROUGH) {
          c.error(at + ".mode", "configuration is invalid: cannot set mode to " + in.tls().mode() + " in sidecar ingress tls");
        }
        TlsChecks.serverTls(c, at, in.tls());
        c.warn(at, "ignored in-process: inbound TLS comes from PeerAuthentication and the workload's mesh certificate");
      }
      PolicyChecks.connectionPool(c, p + ".connectionPool", in.connectionPool());
      if (in.connectionPool() != null && in.connectionPool().http() != null
          && !NetChecks.Protocol.parse(in.port().protocol()).isHttp()) {
        c.warn(p + ".connectionPool.http", "sidecar: HTTP connection pool settings are configured for port " + number
            + " (\"" + in.port().name() + "\") but its protocol is not HTTP (" + in.port().protocol() + "); only TCP settings will apply");
      }
      ignoredListenerFields(c, p, in.bind(), in.captureMode(), in.defaultEndpoint());
    }
  }

  private static void ignoredListenerFields(
      Checks c, String p, @Nullable String bind, Sidecar.@Nullable CaptureMode mode, @Nullable String defaultEndpoint) {
    if (bind != null) {
      c.warn(p + ".bind", "ignored in-process: Meshlet binds no listeners");
    }
    if (mode != null) {
      c.warn(p + ".captureMode", "ignored in-process: Meshlet captures no traffic");
    }
    if (defaultEndpoint != null) {
      c.warn(p + ".defaultEndpoint", "ignored in-process: inbound calls reach the service's own server directly");
    }
  }

  private static void bindAddress(Checks c, String path, @Nullable String bind) {
    if (bind != null && !bind.isEmpty() && !HostChecks.isIpAddress(bind)) {
      c.error(path, bind + " is not a valid IP");
    }
  }

  /** Istio's defaultEndpoint rule: 127.0.0.1:PORT, 0.0.0.0:PORT, [::1]:PORT, [::]:PORT or unix://path. */
  private static void defaultEndpoint(Checks c, String path, String endpoint) {
    if (endpoint.startsWith(UNIX)) {
      String err = HostChecks.unixAddress(endpoint.substring(UNIX.length()));
      if (err != null) {
        c.error(path, err);
      }
      return;
    }
    String host;
    String port;
    if (endpoint.startsWith("[")) {
      int close = endpoint.indexOf(']');
      if (close < 0 || close + 1 >= endpoint.length() || endpoint.charAt(close + 1) != ':') {
        c.error(path, "address " + endpoint + ": missing port in address");
        return;
      }
      host = endpoint.substring(1, close);
      port = endpoint.substring(close + 2);
    } else {
      int colon = endpoint.lastIndexOf(':');
      if (colon < 0 || endpoint.indexOf(':') != colon) {
        c.error(path, "address " + endpoint + ": " + (colon < 0 ? "missing port in address" : "too many colons in address"));
        return;
      }
      host = endpoint.substring(0, colon);
      port = endpoint.substring(colon + 1);
    }
    if (!LOOPBACK_HOSTS.contains(host)) {
      c.error(path, "sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset");
    }
    if (!HostChecks.isDigits(port) || port.length() > 9) {
      c.error(path, "sidecar: defaultEndpoint port (" + port + ") is not a number");
    } else {
      NetChecks.port(c, path, Integer.parseInt(port));
    }
  }

  private static void egress(Checks c, List<Sidecar.IstioEgressListener> egress, String namespace) {
    Set<Integer> ports = new HashSet<>();
    Set<String> sockets = new HashSet<>();
    boolean catchAll = false;
    for (int i = 0; i < egress.size(); i++) {
      Sidecar.IstioEgressListener e = egress.get(i);
      String p = "spec.egress[" + i + "]";
      if (e.port() == null) {
        // Only one listener may take every port, and it must come last.
        if (!catchAll) {
          if (i == egress.size() - 1) {
            catchAll = true;
          } else {
            c.error(p, "sidecar: the egress listener with empty port should be the last listener in the list");
          }
        } else {
          c.error(p, "sidecar: egress can have only one listener with empty port");
          continue;
        }
      } else {
        if (e.port().targetPort() != null && e.port().targetPort() > 0) {
          c.error(p + ".port.targetPort", "targetPort has no impact on Sidecars");
        }
        if (e.port().name() != null && !e.port().name().isEmpty()) {
          NetChecks.portName(c, p + ".port.name", e.port().name());
        }
        int number = e.port().number() == null ? 0 : e.port().number();
        String bind = e.bind() == null ? "" : e.bind();
        NetChecks.protocol(c, p + ".port.protocol", e.port().protocol());
        if (number == 0) {
          if (!bind.startsWith(UNIX)) {
            c.error(p + ".bind", "sidecar: ports with 0 value must have a unix domain socket bind address");
          } else {
            String err = HostChecks.unixAddress(bind.substring(UNIX.length()));
            if (err != null) {
              c.error(p + ".bind", err);
            }
          }
          if (e.captureMode() != null && e.captureMode() != Sidecar.CaptureMode.DEFAULT && e.captureMode() != Sidecar.CaptureMode.NONE) {
            c.error(p + ".captureMode", "sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners");
          }
          if (!sockets.add(bind)) {
            c.error(p + ".bind", "sidecar: unix domain socket values for listeners must be unique");
          }
        } else {
          NetChecks.port(c, p + ".port.number", number);
          bindAddress(c, p + ".bind", e.bind());
          if (!ports.add(number)) {
            c.error(p + ".port.number", "sidecar: ports on IP bound listeners must be unique");
          }
        }
        c.warn(p + ".port", "ignored in-process: the egress hosts of this listener apply to calls on every port");
      }
      ignoredListenerFields(c, p, e.bind(), e.captureMode(), null);
      egressHosts(c, p + ".hosts", e.hosts(), namespace);
    }
  }

  private static void egressHosts(Checks c, String p, List<String> hosts, String namespace) {
    if (hosts.isEmpty()) {
      c.error(p, "sidecar: egress listener must contain at least one host");
      return;
    }
    Map<String, Set<String>> byNamespace = new HashMap<>();
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i);
      String at = p + "[" + i + "]";
      int slash = host.indexOf('/');
      if (slash >= 0) {
        String ns = host.substring(0, slash);
        String svc = host.substring(slash + 1);
        if (ns.equals(".")) {
          ns = namespace;
        }
        Set<String> seen = byNamespace.computeIfAbsent(ns, k -> new HashSet<>());
        if (!svc.equals("*") ? seen.contains(svc) || seen.contains("*") : !seen.isEmpty()) {
          c.warn(at, "duplicated egress host: " + host);
        }
        seen.add(svc);
      }
      namespaceSlashHost(c, at, host);
    }
    if (byNamespace.getOrDefault("*", Set.of()).contains("*") && byNamespace.size() != 1) {
      c.warn(p, "`*/*` host select all resources, no other hosts can be added");
    }
  }

  /** Istio's ValidateNamespaceSlashWildcardHostname for a sidecar's egress host. */
  private static void namespaceSlashHost(Checks c, String path, String host) {
    int slash = host.indexOf('/');
    if (slash < 0) {
      c.error(path, "host must be of form namespace/dnsName (it is \"" + host + "\")");
      return;
    }
    String ns = host.substring(0, slash);
    String name = host.substring(slash + 1);
    if (ns.isEmpty() || name.isEmpty()) {
      c.error(path, "config namespace and dnsName in host entry cannot be empty");
    }
    if (!ns.equals("*") && !ns.equals(".") && !ns.equals("~") && !HostChecks.isDnsLabel(ns)) {
      c.error(path, "invalid namespace value \"" + ns + "\" in sidecar");
    }
    if (!name.equals("*") && !name.contains(".")) {
      c.error(path, "short names (non FQDN) are not allowed (\"" + name + "\"; expected e.g. reviews.default.svc.cluster.local or *)");
    }
    String err = HostChecks.wildcardDomain(name);
    if (err != null) {
      c.error(path, err);
    }
    String partial = HostChecks.partialWildcard(name);
    if (partial != null) {
      c.error(path, partial);
    }
  }

  private static void outboundTrafficPolicy(Checks c, Sidecar.@Nullable OutboundTrafficPolicy policy) {
    if (policy == null || policy.egressProxy() == null) {
      return;
    }
    String p = "spec.outboundTrafficPolicy";
    if (policy.mode() != Sidecar.OutboundTrafficPolicy.Mode.ALLOW_ANY) {
      c.error(p + ".egressProxy", "sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode");
      return;
    }
    String host = policy.egressProxy().host();
    if (host != null && HostChecks.fqdn(host) != null) {
      c.error(p + ".egressProxy.host", HostChecks.fqdn(host));
    }
    if (policy.egressProxy().port() == null) {
      c.error(p + ".egressProxy.port", "sidecar: egress_proxy port must be non-nil");
      return;
    }
    NetChecks.destination(c, p + ".egressProxy", policy.egressProxy());
  }
}
