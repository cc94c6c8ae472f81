package dev.meshlet.core.config.validation;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.meshlet.core.config.networking.Destination;
import dev.meshlet.core.config.networking.StringMatch;
import dev.meshlet.core.config.networking.WorkloadSelector;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The checks Istio's networking validation shares between kinds (ports, percentages, labels,
 * selectors, exportTo, gateway names, header names and values, regexes, string matches,
 * destinations, protocols), written after Istio's Go (pkg/config/validation, pkg/config/labels).
 * Where Istio's rule differs from the Kubernetes one in {@link Checks} (Istio's label values
 * have no length limit), these follow Istio. Names, hosts and addresses are in {@link HostChecks}.
 */
final class NetChecks {
  private static final Pattern TAG_KEY = Pattern.compile(
      "^([a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*/)?"
          + "((?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$");
  private static final Pattern TAG_VALUE = Pattern.compile("^((?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
  private static final Pattern HEADER_NAME = Pattern.compile("^[-_A-Za-z0-9]+$");
  private static final Pattern HEADER_VALUE = Pattern.compile("^[^\\x00-\\x08\\x0A-\\x1F\\x7F]*$");
  /** Routing on JWT claims ({@code @request.auth.claims.sub}) is Istio's gateway-only header form. */
  static final String JWT_CLAIM_PREFIX = "@request.auth.claims.";

  private NetChecks() {}

  // ---- numbers -----------------------------------------------------------------------------

  /** Istio's ValidatePort. */
  static void port(Checks c, String path, @Nullable Integer port) {
    int p = port == null ? 0 : port;
    if (p < 1 || p > 65535) {
      c.error(path, "port number " + p + " must be in the range 1..65535");
    }
  }

  /** A uint32 or uint64 field: the CRD schema's minimum of 0. */
  static void unsigned(Checks c, String path, @Nullable Number n) {
    if (n != null && n.longValue() < 0) {
      c.error(path, n + " is negative (expected: 0 or more)");
    }
  }

  /** Istio's validatePercentage for a Percent: 0, or 0.0001..100. */
  static void percentage(Checks c, String path, dev.meshlet.core.config.networking.@Nullable Percent p) {
    if (p == null) {
      return;
    }
    double v = p.value() == null ? 0 : p.value();
    if (v < 0 || v > 100 || (v > 0 && v < 0.0001) || Double.isNaN(v)) {
      c.error(path + ".value", "percentage " + v + " is neither 0.0, nor in range [0.0001, 100.0]");
    }
  }

  /** Istio's ValidatePercent for an integer percentage, 0..100. */
  static void percent(Checks c, String path, @Nullable Integer v) {
    if (v != null && (v < 0 || v > 100)) {
      c.error(path, "percentage " + v + " is not in range 0..100");
    }
  }

  // ---- labels and selectors ----------------------------------------------------------------

  /** Istio's labels.Instance.Validate. */
  static void labels(Checks c, String path, Map<String, String> labels) {
    labels.forEach((k, v) -> {
      String at = path + "[" + k + "]";
      var m = TAG_KEY.matcher(k);
      if (!m.matches()) {
        c.error(at, "invalid tag key: \"" + k + "\" (expected a Kubernetes label key)");
      } else if (m.group(1) != null && m.group(1).length() - 1 > 253) {
        c.error(at, "invalid tag key: \"" + k + "\" (DNS prefix is too long)");
      } else if (m.group(2).length() > 63) {
        c.error(at, "invalid tag key: \"" + k + "\" (name is too long)");
      }
      if (!TAG_VALUE.matches(v)) {
        c.error(at, "invalid tag value: \"" + v + "\" (expected alphanumerics, '-', '_' or '.', starting and ending alphanumeric)");
      }
    });
  }

  /**
   * Istio's ValidateAlphaWorkloadSelector and the CRD's rules for a networking
   * WorkloadSelector (Sidecar, ServiceEntry): no empty key, no wildcard, values of at most 63.
   * A selector without labels selects the whole namespace: a warning.
   */
  static void workloadSelector(Checks c, String path, @Nullable WorkloadSelector selector, String kind) {
    if (selector == null) {
      return;
    }
    selectorLabels(c, path + ".labels", selector.labels());
    if (selector.labels().isEmpty()) {
      c.warn(path, kind + ": workload selector specified without labels, will be applied to all services in namespace");
    }
  }

  static void selectorLabels(Checks c, String path, Map<String, String> labels) {
    labels.forEach((k, v) -> {
      String at = path + "[" + k + "]";
      if (k.isEmpty()) {
        c.error(at, "empty key is not supported in selector");
      }
      if (k.contains("*") || v.contains("*")) {
        c.error(at, "wildcard is not supported in selector: \"" + k + "=" + v + "\"");
      }
      if (v.length() > 63) {
        c.error(at, "label value is longer than 63 characters");
      }
    });
  }

  // ---- visibility and gateways -------------------------------------------------------------

  /**
   * Istio's validateExportTo. In-process every namespace sees every resource, so a valid
   * exportTo is accepted with a warning that it is ignored.
   */
  static void exportTo(Checks c, String path, String namespace, List<String> exportTo,
      boolean serviceEntry, boolean ruleWithSelector) {
    if (exportTo.isEmpty()) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < exportTo.size(); i++) {
      String e = exportTo.get(i);
      String at = path + "[" + i + "]";
      String key = e.equals(".") ? namespace : e;
      if (seen.contains(key)) {
        c.error(at, key.equals(e)
            ? "duplicate entries in exportTo for entry " + e
            : "duplicate entries in exportTo: . and current namespace " + namespace);
        continue;
      }
      if (serviceEntry && e.equals("~")) {
        seen.add(key);
      } else if (e.equals("~")) {
        c.error(at, "exportTo ~ (none) is not allowed for Istio configuration objects");
      } else if (!key.equals("*") && !key.equals(namespace) && !HostChecks.isDnsLabel(key)) {
        c.error(at, "\"" + e + "\": only ., *, ~ or a valid DNS 1123 label (a namespace) is allowed as exportTo entry");
      } else {
        seen.add(key);
      }
    }
    if (ruleWithSelector && !seen.isEmpty()) {
      if (!seen.contains(namespace)) {
        c.error(path, "destination rule with workload selector cannot have exportTo beyond current namespace");
      } else if (seen.size() > 1) {
        c.error(path, "destination rule with workload selector cannot have multiple entries in exportTo");
      }
    }
    if (seen.contains("*") && exportTo.size() > 1) {
      c.error(path, "cannot have both public (*) and non-public exportTo values for a resource");
    }
    if (seen.contains("~") && exportTo.size() > 1) {
      c.error(path, "cannot export service entry to no one (~) and someone");
    }
    c.warn(path, "exportTo is ignored in-process: Meshlet makes every resource visible to every namespace");
  }

  /** Istio's validateGatewayNames (including its stop after the first name without a slash). */
  static void gatewayNames(Checks c, String path, List<String> names) {
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String at = path + "[" + i + "]";
      int slash = name.indexOf('/');
      if (slash < 0) {
        if (name.contains(".")) {
          String[] parts = name.split("\\.", -1);
          c.warn(at, "using legacy gatewayName format \"" + name + "\"; prefer the <namespace>/<name> format: \""
              + parts[1] + "/" + parts[0] + "\"");
        }
        String err = HostChecks.fqdn(name);
        if (err != null) {
          c.error(at, err);
        }
        return;
      }
      String ns = name.substring(0, slash);
      String gw = name.substring(slash + 1);
      if (ns.isEmpty() || gw.isEmpty()) {
        c.error(at, "config namespace and gateway name cannot be empty");
      }
      if (!HostChecks.isDnsLabel(ns)) {
        c.error(at, "invalid value for namespace: \"" + ns + "\"");
      }
      if (!HostChecks.isDnsLabel(gw)) {
        c.error(at, "invalid value for gateway name: \"" + gw + "\"");
      }
    }
  }

  // ---- HTTP --------------------------------------------------------------------------------

  /** Istio's validHeaderRegex, used for matched header names. */
  static void headerName(Checks c, String path, String name, boolean jwtClaimAllowed) {
    if (name.isEmpty()) {
      c.error(path, "header name cannot be empty");
    } else if (jwtClaimAllowed && name.startsWith(JWT_CLAIM_PREFIX) && name.length() > JWT_CLAIM_PREFIX.length()) {
      return;
    } else if (!HEADER_NAME.matches(name)) {
      c.error(path, "header name " + name + " is not a valid header name (expected letters, digits, '-' or '_')");
    }
  }

  /** Istio's ValidateHTTPHeaderValue: no control characters, and {@code %} only as Envoy reads it. */
  static void headerValue(Checks c, String path, String value) {
    if (!HEADER_VALUE.matches(value)) {
      c.error(path, "header value configuration " + value + " is invalid (control characters)");
      return;
    }
    // Envoy substitutes %VARIABLE% and %VARIABLE(args)%; a literal percent is written %%.
    int i = 0;
    while (i < value.length()) {
      char ch = value.charAt(i);
      if (ch != '%') {
        i++;
        continue;
      }
      if (i + 1 < value.length() && value.charAt(i + 1) == '%') {
        i += 2;
        continue;
      }
      int end = value.indexOf('%', i + 1);
      String var = end < 0 ? "" : value.substring(i + 1, end);
      int paren = var.indexOf('(');
      String name = paren >= 0 ? var.substring(0, paren) : var;
      boolean ok = end >= 0 && !name.isEmpty() && name.chars().allMatch(x -> (x >= 'A' && x <= 'Z') || (x >= '0' && x <= '9') || x == '_')
          && (paren < 0 || var.endsWith(")"));
      if (!ok) {
        c.error(path, "header value configuration: invalid use of '%' in \"" + value
            + "\" (expected %VARIABLE% or %% for a literal percent)");
        return;
      }
      i = end + 1;
    }
  }

  /** An RE2 regex as Istio checks it: at most 1024 characters, and RE2 (re2j) syntax. */
  static void regex(Checks c, String path, String re) {
    if (re.length() > 1024) {
      c.error(path, "regex is too large, max length allowed is 1024");
      return;
    }
    try {
      Pattern.compile(re);
    } catch (PatternSyntaxException e) {
      c.error(path, "\"" + re + "\" is not a valid RE2 regex: " + e.getDescription()
          + "; Istio uses RE2 style regex-based match (lookaround and backreferences are not supported)");
    }
  }

  /**
   * Istio's validateStringMatch (a prefix or regex may not be empty) or, with
   * {@code emptyPrefixAllowed}, its validateStringMatchRegexp (as for uri). The CRD's oneOf
   * allows at most one of exact, prefix and regex.
   */
  static void stringMatch(Checks c, String path, @Nullable StringMatch m, boolean emptyPrefixAllowed) {
    if (m == null) {
      return;
    }
    int set = (m.exact() != null ? 1 : 0) + (m.prefix() != null ? 1 : 0) + (m.regex() != null ? 1 : 0);
    if (set > 1) {
      c.error(path, "only one of exact, prefix or regex may be set");
      return;
    }
    if (m.prefix() != null && m.prefix().isEmpty() && !emptyPrefixAllowed) {
      c.error(path + ".prefix", "prefix string match should not be empty");
    }
    if (m.regex() != null) {
      if (m.regex().isEmpty()) {
        c.error(path + ".regex", "regex string match should not be empty");
      } else {
        regex(c, path + ".regex", m.regex());
      }
    }
  }

  /** Istio's validateDestination, plus the CRD's required host. */
  static void destination(Checks c, String path, @Nullable Destination d) {
    if (d == null) {
      return;
    }
    if (d.host() == null) {
      c.error(path + ".host", "host is required");
    } else if (d.host().equals("*")) {
      c.error(path + ".host", "invalid destination host * (expected a service host, not a catch-all wildcard)");
    } else {
      String err = HostChecks.wildcardDomain(d.host());
      if (err != null) {
        c.error(path + ".host", err);
      }
    }
    if (d.subset() != null && !d.subset().isEmpty() && !HostChecks.isDnsLabel(d.subset())) {
      c.error(path + ".subset", "subset name is invalid: " + d.subset() + " (expected a DNS-1123 label)");
    }
    if (d.port() != null) {
      port(c, path + ".port.number", d.port().number());
    }
  }

  // ---- protocols ---------------------------------------------------------------------------

  /** Istio's protocol names (protocol.Parse is case-insensitive). */
  enum Protocol {
    TCP, UDP, GRPC, GRPC_WEB, HTTP, HTTP_PROXY, HTTP2, HTTPS, TLS, MONGO, REDIS, MYSQL, UNSUPPORTED;

    static Protocol parse(@Nullable String s) {
      if (s == null) {
        return UNSUPPORTED;
      }
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "tcp" -> TCP;
        case "udp" -> UDP;
        case "grpc" -> GRPC;
        case "grpc-web" -> GRPC_WEB;
        case "http" -> HTTP;
        case "http_proxy" -> HTTP_PROXY;
        case "http2" -> HTTP2;
        case "https" -> HTTPS;
        case "tls" -> TLS;
        case "mongo" -> MONGO;
        case "redis" -> REDIS;
        case "mysql" -> MYSQL;
        default -> UNSUPPORTED;
      };
    }

    boolean isHttp() {
      return this == HTTP || this == HTTP2 || this == HTTP_PROXY || this == GRPC || this == GRPC_WEB;
    }

    boolean isTls() {
      return this == HTTPS || this == TLS;
    }

    boolean isTcp() {
      return this == TCP || this == HTTPS || this == TLS || this == MONGO || this == REDIS || this == MYSQL;
    }
  }

  /** Istio's ValidateProtocol: empty (sniffed) or one of its protocol names. */
  static void protocol(Checks c, String path, @Nullable String protocol) {
    if (protocol != null && !protocol.isEmpty() && Protocol.parse(protocol) == Protocol.UNSUPPORTED) {
      c.error(path, "unsupported protocol: " + protocol
          + " (expected one of HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, UDP, MONGO, REDIS, MYSQL)");
    }
  }

  /** Istio's ValidatePortName: a DNS-1123 label. */
  static void portName(Checks c, String path, @Nullable String name) {
    String n = name == null ? "" : name;
    if (!HostChecks.isDnsLabel(n)) {
      c.error(path, "invalid port name: \"" + n + "\" (expected a DNS-1123 label)");
    }
  }
}
