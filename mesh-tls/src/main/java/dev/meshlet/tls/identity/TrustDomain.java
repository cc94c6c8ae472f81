package dev.meshlet.tls.identity;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A SPIFFE trust domain: the name of the root of trust that issues identities, such as
 * {@code cluster.local}. Only what the SPIFFE spec allows is accepted: lowercase letters,
 * digits, {@code .}, {@code -} and {@code _}.
 */
public record TrustDomain(String name) {

  /** Istio's default trust domain. */
  public static final TrustDomain DEFAULT = new TrustDomain("cluster.local");

  /** The SPIFFE spec bounds a trust domain name to 255 characters. */
  public static final int MAX_LENGTH = 255;

  public TrustDomain {
    Objects.requireNonNull(name, "name");
    String problem = problemWith(name);
    if (problem != null) {
      throw new IllegalArgumentException("trust domain \"" + name + "\": " + problem);
    }
  }

  /** Parses {@code name}, failing with what is wrong when it is not a valid trust domain. */
  public static TrustDomain of(String name) {
    return new TrustDomain(name);
  }

  /** Returns the SPIFFE ID of {@code path} in this trust domain. */
  public SpiffeId spiffeId(String path) {
    return new SpiffeId(this, path);
  }

  @Override
  public String toString() {
    return name;
  }

  /** Returns why {@code name} is not a valid trust domain, or null when it is. */
  static @Nullable String problemWith(String name) {
    if (name.isEmpty()) {
      return "is empty (expected: a name such as cluster.local)";
    }
    if (name.length() > MAX_LENGTH) {
      return "is " + name.length() + " characters long (expected: at most " + MAX_LENGTH + ")";
    }
    if (name.indexOf('@') >= 0) {
      return "has userinfo (expected: no '@' in a SPIFFE trust domain)";
    }
    if (name.indexOf(':') >= 0) {
      return "has a port (expected: no ':' in a SPIFFE trust domain)";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return "has an uppercase letter '" + c + "' at index " + i
            + " (expected: lowercase; SPIFFE trust domains are case-sensitive and lowercase)";
      }
      if (!isTrustDomainChar(c)) {
        return "has the character '" + printable(c) + "' at index " + i
            + " (expected: a-z, 0-9, '.', '-' or '_')";
      }
    }
    return null;
  }

  static boolean isTrustDomainChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
  }

  static String printable(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
