package dev.meshlet.tls.authz;

import java.util.ArrayList;
import java.util.List;

/**
 * Istio's path templates ({@code /api/{*}/items/{**}}), matched without a regex: {@code {*}}
 * matches one path segment (one or more characters other than {@code /}), {@code {**}} zero or
 * more characters including {@code /} (the rest of the path, over any number of segments).
 * Everything else matches literally.
 */
final class PathTemplate {

  private static final String ONE = "{*}";
  private static final String ANY = "{**}";

  /** Literal text, or one of the two operators (by identity). */
  private final String[] tokens;

  private PathTemplate(String[] tokens) {
    this.tokens = tokens;
  }

  static boolean isTemplate(String path) {
    return path.contains(ONE) || path.contains(ANY);
  }

  static PathTemplate compile(String template) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < template.length()) {
      int one = template.indexOf(ONE, i);
      int any = template.indexOf(ANY, i);
      int next = one < 0 ? any : any < 0 ? one : Math.min(one, any);
      if (next < 0) {
        tokens.add(template.substring(i));
        break;
      }
      if (next > i) {
        tokens.add(template.substring(i, next));
      }
      boolean isAny = next == any;
      tokens.add(isAny ? ANY : ONE);
      i = next + (isAny ? ANY.length() : ONE.length());
    }
    return new PathTemplate(tokens.toArray(new String[0]));
  }

  boolean matches(String path) {
    return matches(path, 0, 0);
  }

  @SuppressWarnings("StringEquality") // operators are told from literals by identity, on purpose
  private boolean matches(String path, int at, int token) {
    if (token == tokens.length) {
      return at == path.length();
    }
    String t = tokens[token];
    if (t == ANY) {
      // The rest of the template must match some suffix; try the shortest first.
      for (int end = at; end <= path.length(); end++) {
        if (matches(path, end, token + 1)) {
          return true;
        }
      }
      return false;
    }
    if (t == ONE) {
      int end = at;
      while (end < path.length() && path.charAt(end) != '/') {
        end++;
      }
      // One segment, non-empty; a literal after it may start inside the segment.
      for (int e = at + 1; e <= end; e++) {
        if (matches(path, e, token + 1)) {
          return true;
        }
      }
      return false;
    }
    return path.startsWith(t, at) && matches(path, at + t.length(), token + 1);
  }
}
