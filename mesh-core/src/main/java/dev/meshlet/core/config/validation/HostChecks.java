package dev.meshlet.core.config.validation;

import com.google.re2j.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Istio's checks of names, hosts and addresses (pkg/config/labels, pkg/config/host,
 * ValidateWildcardDomain, ValidateFQDN, ValidateIPSubnet, ValidateUnixAddress). Istio's DNS
 * labels, unlike Kubernetes', take upper case. Methods returning a String give the problem, or
 * null when there is none.
 */
final class HostChecks {
  private static final Pattern DNS1123_LABEL = Pattern.compile("^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$");
  private static final Pattern WILDCARD_LABEL =
      Pattern.compile("^(\\*|(\\*|\\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$");

  private HostChecks() {}

  // ---- names and hosts -------------------------------------------------------------------

  /** Istio's labels.IsDNS1123Label: letters (either case), digits and '-', at most 63. */
  static boolean isDnsLabel(String s) {
    return s.length() <= 63 && DNS1123_LABEL.matches(s);
  }

  /** Istio's ValidateWildcardDomain: the first label may be {@code *}, {@code *x} or {@code *-x}. */
  static @Nullable String wildcardDomain(String domain) {
    String pre = dnsPreconditions(domain);
    if (pre != null) {
      return pre;
    }
    int dot = domain.indexOf('.');
    String first = dot < 0 ? domain : domain.substring(0, dot);
    if (first.length() > 63 || !WILDCARD_LABEL.matches(first)) {
      return "domain name \"" + domain + "\" invalid (label \"" + first + "\" invalid)";
    }
    return dot < 0 ? null : dnsLabels(domain.substring(dot + 1), domain);
  }

  /** Istio's ValidateFQDN (a trailing dot is allowed; the top-level label is not all digits). */
  static @Nullable String fqdn(String fqdn) {
    String pre = dnsPreconditions(fqdn);
    return pre != null ? pre : dnsLabels(fqdn, fqdn);
  }

  private static @Nullable String dnsPreconditions(String name) {
    if (name.length() > 255) {
      return "domain name \"" + name + "\" too long (max 255)";
    }
    if (name.isEmpty()) {
      return "empty domain name not allowed";
    }
    return null;
  }

  private static @Nullable String dnsLabels(String labels, String domain) {
    String[] parts = labels.split("\\.", -1);
    String top = parts[parts.length - 1];
    if (isDigits(top)) {
      return "domain name \"" + domain + "\" invalid (top level domain \"" + top + "\" cannot be all-numeric)";
    }
    for (int i = 0; i < parts.length; i++) {
      if (i == parts.length - 1 && parts[i].isEmpty()) {
        return null; // "istio.io." names the root unambiguously
      }
      if (!isDnsLabel(parts[i])) {
        return "domain name \"" + domain + "\" invalid (label \"" + parts[i] + "\" invalid)";
      }
    }
    return null;
  }

  /** Istio's ValidatePartialWildCard: {@code *} alone or a leading {@code *.}, nothing else. */
  static @Nullable String partialWildcard(String host) {
    if (host.contains("*") && host.length() != 1 && !host.startsWith("*.")) {
      return "partial wildcard \"" + host + "\" not allowed";
    }
    return null;
  }

  /** Istio's host.Name.Matches: whether two hosts, wildcards included, overlap. */
  static boolean hostsOverlap(String a, String b) {
    boolean aw = a.startsWith("*");
    boolean bw = b.startsWith("*");
    if (aw && bw) {
      return a.length() < b.length() ? b.substring(1).endsWith(a.substring(1)) : a.substring(1).endsWith(b.substring(1));
    }
    if (aw) {
      return b.endsWith(a.substring(1));
    }
    if (bw) {
      return a.endsWith(b.substring(1));
    }
    return a.equals(b);
  }

  /** Istio's host.Name.SubsetOf: whether every name {@code a} matches is matched by {@code b}. */
  static boolean hostSubsetOf(String a, String b) {
    if (b.startsWith("*")) {
      return a.startsWith("*") ? a.substring(1).endsWith(b.substring(1)) : a.endsWith(b.substring(1));
    }
    return !a.startsWith("*") && a.equals(b);
  }

  // ---- addresses ---------------------------------------------------------------------------

  /** An IPv4 or IPv6 literal as Go's netip.ParseAddr reads it (an IPv6 zone is allowed). */
  static boolean isIpAddress(String s) {
    return isIpv4(s) || isIpv6(s, true);
  }

  static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return false;
      }
      if (!isDigits(p) || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  static boolean isIpv6(String s, boolean zoneAllowed) {
    int pct = s.indexOf('%');
    if (pct >= 0) {
      if (!zoneAllowed || pct == s.length() - 1) {
        return false;
      }
      s = s.substring(0, pct);
    }
    if (!s.contains(":")) {
      return false;
    }
    int dc = s.indexOf("::");
    if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) {
      return false;
    }
    String[] halves = dc >= 0 ? new String[] {s.substring(0, dc), s.substring(dc + 2)} : new String[] {s};
    int groups = 0;
    for (int h = 0; h < halves.length; h++) {
      if (halves[h].isEmpty()) {
        continue;
      }
      String[] parts = halves[h].split(":", -1);
      for (int i = 0; i < parts.length; i++) {
        String p = parts[i];
        boolean last = h == halves.length - 1 && i == parts.length - 1;
        if (last && p.contains(".")) {
          if (!isIpv4(p)) {
            return false;
          }
          groups += 2;
          continue;
        }
        if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
          return false;
        }
        groups++;
      }
    }
    return dc >= 0 ? groups < 8 : groups == 8;
  }

  /** Non-empty and ASCII digits only, as Go's strconv.Atoi reads a number. */
  static boolean isDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Istio's ValidateIPSubnet: an address, or a CIDR block {@code a.b.c.d/n}, {@code 2001:db8::/32}. */
  static @Nullable String ipSubnet(String subnet) {
    int slash = subnet.indexOf('/');
    if (slash >= 0 && subnet.indexOf('/', slash + 1) < 0) {
      String addr = subnet.substring(0, slash);
      String bits = subnet.substring(slash + 1);
      int max = isIpv4(addr) ? 32 : isIpv6(addr, false) ? 128 : -1;
      boolean ok = max > 0 && bits.length() <= 3 && isDigits(bits)
          && !(bits.length() > 1 && bits.charAt(0) == '0') && Integer.parseInt(bits) <= max;
      return ok ? null : subnet + " is not a valid CIDR block";
    }
    return isIpAddress(subnet) ? null : subnet + " is not a valid IP";
  }

  /** Istio's ValidateUnixAddress, for the part after {@code unix://}. */
  static @Nullable String unixAddress(String addr) {
    if (addr.isEmpty()) {
      return "unix address must not be empty";
    }
    if (addr.startsWith("@")) {
      return null; // an abstract socket
    }
    if (!addr.startsWith("/") || addr.endsWith("/")) {
      return addr + " is not an absolute path to a file";
    }
    return null;
  }
}
