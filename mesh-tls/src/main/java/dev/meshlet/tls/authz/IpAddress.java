package dev.meshlet.tls.authz;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address as two longs, made once per connection (from the socket's address) so
 * that matching it against {@code ipBlocks} allocates nothing per request. IPv4-mapped IPv6
 * addresses ({@code ::ffff:10.0.0.1}) are read as the IPv4 address, as Envoy does.
 */
public final class IpAddress {

  private final boolean v6;
  private final long hi;
  private final long lo;

  private IpAddress(boolean v6, long hi, long lo) {
    this.v6 = v6;
    this.hi = hi;
    this.lo = lo;
  }

  public static IpAddress of(InetAddress address) {
    Objects.requireNonNull(address, "address");
    return fromBytes(address.getAddress());
  }

  /**
   * Parses an IP literal, never looking a name up.
   *
   * @throws IllegalArgumentException when {@code text} is not an IPv4 or IPv6 literal
   */
  public static IpAddress parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.indexOf(':') >= 0) {
      String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
      try {
        // With a ':' the JDK only parses a literal; it never resolves a name.
        InetAddress a = InetAddress.getByName(literal);
        if (!(a instanceof Inet6Address) && literal.indexOf(':') < 0) {
          throw new IllegalArgumentException("IP address \"" + text + "\": not an IP literal");
        }
        return fromBytes(a.getAddress());
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("IP address \"" + text + "\": not an IPv6 literal (expected e.g. 2001:db8::1)", e);
      }
    }
    return new IpAddress(false, 0, parseV4(text));
  }

  private static long parseV4(String text) {
    long value = 0;
    int parts = 0;
    int i = 0;
    while (i <= text.length()) {
      int start = i;
      long octet = 0;
      while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        octet = octet * 10 + (text.charAt(i) - '0');
        i++;
        if (i - start > 3) {
          break;
        }
      }
      if (i == start || i - start > 3 || octet > 255 || (i < text.length() && text.charAt(i) != '.')) {
        throw new IllegalArgumentException("IP address \"" + text + "\": not an IPv4 literal (expected e.g. 10.1.2.3)");
      }
      value = (value << 8) | octet;
      parts++;
      i++;
    }
    if (parts != 4) {
      throw new IllegalArgumentException("IP address \"" + text + "\": not an IPv4 literal (expected e.g. 10.1.2.3)");
    }
    return value;
  }

  private static IpAddress fromBytes(byte[] b) {
    if (b.length == 4) {
      return new IpAddress(false, 0, toLong(b, 0, 4));
    }
    long hi = toLong(b, 0, 8);
    long lo = toLong(b, 8, 8);
    if (hi == 0 && (lo >>> 32) == 0xFFFFL) {
      return new IpAddress(false, 0, lo & 0xFFFF_FFFFL);
    }
    return new IpAddress(true, hi, lo);
  }

  private static long toLong(byte[] b, int from, int n) {
    long v = 0;
    for (int i = from; i < from + n; i++) {
      v = (v << 8) | (b[i] & 0xFF);
    }
    return v;
  }

  boolean isV6() {
    return v6;
  }

  /** Whether the first {@code bits} bits equal those of {@code network} (same family). */
  boolean sharesPrefix(IpAddress network, int bits) {
    if (v6 != network.v6) {
      return false;
    }
    if (!v6) {
      if (bits == 0) {
        return true;
      }
      long mask = (0xFFFF_FFFFL << (32 - bits)) & 0xFFFF_FFFFL;
      return (lo & mask) == (network.lo & mask);
    }
    if (bits <= 64) {
      long mask = bits == 0 ? 0 : -1L << (64 - bits);
      return (hi & mask) == (network.hi & mask);
    }
    long mask = bits == 128 ? -1L : -1L << (128 - bits);
    return hi == network.hi && (lo & mask) == (network.lo & mask);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpAddress a && a.v6 == v6 && a.hi == hi && a.lo == lo;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(hi) * 31 + Long.hashCode(lo) + (v6 ? 1 : 0);
  }

  @Override
  public String toString() {
    if (!v6) {
      return (lo >>> 24) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
    }
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (hi >>> (56 - 8 * i));
      b[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    try {
      return InetAddress.getByAddress(b).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
