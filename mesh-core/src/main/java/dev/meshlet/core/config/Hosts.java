package dev.meshlet.core.config;

import java.util.Locale;

/**
 * Host names as Istio writes them. {@code reviews}, {@code reviews.default} and
 * {@code reviews.default.svc.cluster.local} name one service; a short name resolves in the
 * namespace of the resource that holds it (or of the calling service).
 */
public final class Hosts {
  /** Istio's default trust and DNS domain. */
  public static final String DEFAULT_DOMAIN = "cluster.local";

  private static final String SVC_SUFFIX = ".svc." + DEFAULT_DOMAIN;

  private Hosts() {}

  /**
   * Istio's ResolveShortnameToFQDN: a name without a dot (and not a wildcard) becomes
   * {@code name.namespace.svc.cluster.local}; anything else stays as written, in lower case.
   */
  public static String resolve(String host, String namespace) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("*") || h.indexOf('.') >= 0) {
      return h;
    }
    return h + "." + namespace + SVC_SUFFIX;
  }

  /**
   * The names a caller in {@code callerNamespace} may mean by {@code authority}, most specific
   * first, as a pod's DNS search path tries them: the name itself when fully qualified,
   * {@code name.svc.cluster.local} for {@code name.namespace}, and
   * {@code name.callerNamespace.svc.cluster.local} for a short name.
   */
  public static String[] candidates(String authority, String callerNamespace) {
    String h = stripPort(authority).toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.endsWith(SVC_SUFFIX)) {
      return new String[] {h};
    }
    int dots = count(h, '.');
    if (dots == 0) {
      return new String[] {h + "." + callerNamespace + SVC_SUFFIX, h};
    }
    if (dots == 1) {
      return new String[] {h + SVC_SUFFIX, h};
    }
    return new String[] {h};
  }

  /** Whether {@code pattern} (a host or a wildcard such as {@code *.example.com} or {@code *}) covers {@code host}. */
  public static boolean matches(String pattern, String host) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.startsWith("*")) {
      return host.endsWith(pattern.substring(1));
    }
    return pattern.equalsIgnoreCase(host);
  }

  /** The short service name of an FQDN ({@code reviews} of {@code reviews.default.svc.cluster.local}). */
  public static String shortName(String fqdn) {
    int dot = fqdn.indexOf('.');
    return dot < 0 ? fqdn : fqdn.substring(0, dot);
  }

  /** The namespace of a Kubernetes-style FQDN, or null when the host is not one. */
  public static String namespaceOf(String fqdn) {
    if (!fqdn.endsWith(SVC_SUFFIX)) {
      return null;
    }
    String[] parts = fqdn.substring(0, fqdn.length() - SVC_SUFFIX.length()).split("\\.");
    return parts.length == 2 ? parts[1] : null;
  }

  /** The service FQDN of {@code name} in {@code namespace}. */
  public static String fqdn(String name, String namespace) {
    return name + "." + namespace + SVC_SUFFIX;
  }

  static String stripPort(String authority) {
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      return end < 0 ? authority : authority.substring(0, end + 1);
    }
    int colon = authority.lastIndexOf(':');
    return colon >= 0 && authority.indexOf(':') == colon ? authority.substring(0, colon) : authority;
  }

  private static int count(String s, char c) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        n++;
      }
    }
    return n;
  }
}
