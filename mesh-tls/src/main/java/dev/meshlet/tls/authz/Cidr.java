package dev.meshlet.tls.authz;

/** An IP range of a policy ({@code 10.0.0.0/8}, or a single address), parsed at compile time. */
final class Cidr {

  private final IpAddress network;
  private final int bits;
  private final String text;

  private Cidr(IpAddress network, int bits, String text) {
    this.network = network;
    this.bits = bits;
    this.text = text;
  }

  static Cidr parse(String text, String where) {
    int slash = text.indexOf('/');
    try {
      IpAddress address = IpAddress.parse(slash < 0 ? text : text.substring(0, slash));
      int max = address.isV6() ? 128 : 32;
      int bits = max;
      if (slash >= 0) {
        String b = text.substring(slash + 1);
        if (b.isEmpty() || b.length() > 3 || !b.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new IllegalArgumentException("prefix length \"" + b + "\" is not a number");
        }
        bits = Integer.parseInt(b);
        if (bits > max) {
          throw new IllegalArgumentException("prefix length " + bits + " (expected: 0.." + max + ")");
        }
      }
      return new Cidr(address, bits, text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": bad IP range \"" + text + "\": " + e.getMessage()
          + " (expected e.g. 10.0.0.0/16 or 2001:db8::/32)", e);
    }
  }

  boolean contains(IpAddress address) {
    return address.sharesPrefix(network, bits);
  }

  @Override
  public String toString() {
    return text;
  }
}
