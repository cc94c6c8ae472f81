package dev.meshlet.core.config.validation;

/**
 * Parses IP addresses and CIDR ranges as Go's {@code net/netip} does (which Istio's validation
 * uses), without ever asking DNS: dotted-quad IPv4 without leading zeros, IPv6 with {@code ::}
 * compression and an optional embedded IPv4 tail, and {@code addr/bits} prefixes.
 */
public final class IpLiterals {
  private IpLiterals() {}

  /** A single address as {@code netip.ParseAddr} takes it (an IPv6 zone such as {@code %eth0} is allowed). */
  public static boolean isAddress(String s) {
    if (s.indexOf(':') >= 0) {
      int zone = s.indexOf('%');
      if (zone >= 0) {
        if (zone == s.length() - 1) {
          return false;
        }
        s = s.substring(0, zone);
      }
      return isIpv6(s);
    }
    return isIpv4(s);
  }

  /** A range as {@code netip.ParsePrefix} takes it: an address without zone, {@code /}, the prefix length. */
  public static boolean isCidr(String s) {
    int slash = s.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String addr = s.substring(0, slash);
    String bits = s.substring(slash + 1);
    boolean v6 = addr.indexOf(':') >= 0;
    if (v6 ? !isIpv6(addr) : !isIpv4(addr)) {
      return false;
    }
    if (bits.isEmpty() || bits.length() > 3 || (bits.length() > 1 && bits.charAt(0) == '0')) {
      return false;
    }
    for (int i = 0; i < bits.length(); i++) {
      if (!isDigit(bits.charAt(i))) {
        return false;
      }
    }
    return Integer.parseInt(bits) <= (v6 ? 128 : 32);
  }

  /** An address, or a CIDR range when it holds a {@code /} (Istio's ValidateIPs). */
  public static boolean isAddressOrCidr(String s) {
    return s.indexOf('/') >= 0 ? isCidr(s) : isAddress(s);
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
      for (int i = 0; i < p.length(); i++) {
        if (!isDigit(p.charAt(i))) {
          return false;
        }
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  static boolean isIpv6(String s) {
    if (s.isEmpty()) {
      return false;
    }
    int dc = s.indexOf("::");
    if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) {
      return false;
    }
    int groups;
    if (dc >= 0) {
      String head = s.substring(0, dc);
      String tail = s.substring(dc + 2);
      int h = head.isEmpty() ? 0 : countGroups(head, false);
      int t = tail.isEmpty() ? 0 : countGroups(tail, true);
      if (h < 0 || t < 0) {
        return false;
      }
      groups = h + t;
      return groups <= 7;
    }
    groups = countGroups(s, true);
    return groups == 8;
  }

  /** Counts 16-bit groups (an IPv4 tail counts two), or -1 when a group is malformed. */
  private static int countGroups(String s, boolean ipv4TailAllowed) {
    String[] parts = s.split(":", -1);
    int n = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (i == parts.length - 1 && ipv4TailAllowed && p.indexOf('.') >= 0) {
        if (!isIpv4(p)) {
          return -1;
        }
        n += 2;
        continue;
      }
      if (p.isEmpty() || p.length() > 4) {
        return -1;
      }
      for (int j = 0; j < p.length(); j++) {
        if (!isHexDigit(p.charAt(j))) {
          return -1;
        }
      }
      n++;
    }
    return n;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHexDigit(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
