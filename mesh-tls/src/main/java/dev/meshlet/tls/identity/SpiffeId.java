package dev.meshlet.tls.identity;

import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A SPIFFE ID, {@code spiffe://<trust-domain><path>}, checked against the SPIFFE spec's rules:
 * scheme {@code spiffe}, a valid trust domain, no port, userinfo, query or fragment, and a path
 * whose segments are non-empty, are not {@code .} or {@code ..}, and use only
 * {@code [A-Za-z0-9.-_]}. The path may be empty (the ID of the trust domain itself).
 */
public record SpiffeId(TrustDomain trustDomain, String path) {

  public static final String SCHEME_PREFIX = "spiffe://";

  /** The SPIFFE spec bounds a SPIFFE ID to 2048 bytes. */
  public static final int MAX_LENGTH = 2048;

  public SpiffeId {
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(path, "path");
    String problem = pathProblem(path);
    if (problem != null) {
      throw new IllegalArgumentException(
          "SPIFFE ID \"" + SCHEME_PREFIX + trustDomain.name() + path + "\": path " + problem);
    }
    int length = SCHEME_PREFIX.length() + trustDomain.name().length() + path.length();
    if (length > MAX_LENGTH) {
      throw new IllegalArgumentException("SPIFFE ID of trust domain " + trustDomain + " is " + length
          + " characters long (expected: at most " + MAX_LENGTH + ")");
    }
  }

  /**
   * Parses {@code value} strictly. The message of the exception says what is wrong and where,
   * e.g. {@code SPIFFE ID "spiffe://td/a//b": path has an empty segment at index 2}.
   */
  public static SpiffeId parse(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw invalid(value, "is empty (expected: spiffe://<trust-domain>/<path>)");
    }
    if (value.length() > MAX_LENGTH) {
      throw invalid(value.substring(0, 64) + "...",
          "is " + value.length() + " characters long (expected: at most " + MAX_LENGTH + ")");
    }
    if (!value.regionMatches(true, 0, SCHEME_PREFIX, 0, SCHEME_PREFIX.length())) {
      int colon = value.indexOf(':');
      @Nullable String scheme = colon > 0 ? value.substring(0, colon) : null;
      throw invalid(value, scheme == null
          ? "has no scheme (expected: spiffe://<trust-domain>/<path>)"
          : "has scheme \"" + scheme + "\" (expected: spiffe)");
    }
    if (!value.startsWith(SCHEME_PREFIX)) {
      throw invalid(value, "has scheme \"" + value.substring(0, 6) + "\" (expected: lowercase spiffe)");
    }
    String rest = value.substring(SCHEME_PREFIX.length());
    // A query or fragment may follow the authority directly: report them before the authority.
    int query = rest.indexOf('?');
    if (query >= 0) {
      throw invalid(value, "has a query \"" + rest.substring(query) + "\" (expected: none)");
    }
    int fragment = rest.indexOf('#');
    if (fragment >= 0) {
      throw invalid(value, "has a fragment \"" + rest.substring(fragment) + "\" (expected: none)");
    }
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash);
    if (authority.isEmpty()) {
      throw invalid(value, "has no trust domain (expected: spiffe://<trust-domain>/<path>)");
    }
    String tdProblem = TrustDomain.problemWith(authority);
    if (tdProblem != null) {
      throw invalid(value, "trust domain \"" + authority + "\" " + tdProblem);
    }
    String pathProblem = pathProblem(path);
    if (pathProblem != null) {
      throw invalid(value, "path " + pathProblem);
    }
    return new SpiffeId(new TrustDomain(authority), path);
  }

  /** Returns whether {@code value} is a valid SPIFFE ID, without saying why not. */
  public static boolean isValid(String value) {
    try {
      parse(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Returns whether this ID belongs to {@code domain}. */
  public boolean isMemberOf(TrustDomain domain) {
    return trustDomain.equals(domain);
  }

  public URI toUri() {
    return URI.create(toString());
  }

  @Override
  public String toString() {
    return SCHEME_PREFIX + trustDomain.name() + path;
  }

  private static IllegalArgumentException invalid(String value, String problem) {
    return new IllegalArgumentException("SPIFFE ID \"" + value + "\" " + problem);
  }

  /** Returns what is wrong with {@code path}, or null when it is a valid SPIFFE path. */
  private static @Nullable String pathProblem(String path) {
    if (path.isEmpty()) {
      return null;
    }
    if (path.charAt(0) != '/') {
      return "\"" + path + "\" does not start with '/'";
    }
    if (path.length() > 1 && path.endsWith("/") || path.equals("/")) {
      return "\"" + path + "\" ends with '/' (expected: no trailing slash)";
    }
    int segment = 0;
    int start = 1;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      String s = path.substring(start, end);
      if (s.isEmpty()) {
        return "\"" + path + "\" has an empty segment at index " + segment;
      }
      if (s.equals(".") || s.equals("..")) {
        return "\"" + path + "\" has a '" + s + "' segment at index " + segment
            + " (expected: no relative segments)";
      }
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '%') {
          return "\"" + path + "\" has a percent-encoded character in segment " + segment
              + " (expected: only A-Z, a-z, 0-9, '.', '-', '_')";
        }
        if (!isPathChar(c)) {
          return "\"" + path + "\" has the character '" + TrustDomain.printable(c) + "' in segment "
              + segment + " (expected: A-Z, a-z, 0-9, '.', '-' or '_')";
        }
      }
      segment++;
      start = end + 1;
    }
    return null;
  }

  private static boolean isPathChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '.' || c == '-' || c == '_';
  }
}
