package dev.meshlet.core.config.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshlet.core.config.codec.TreeWriter;
import dev.meshlet.core.config.networking.HttpMatchRequest;
import dev.meshlet.core.config.networking.HttpRoute;
import dev.meshlet.core.config.networking.StringMatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Istio's warnings for VirtualService rules that can never be reached (analyzeUnreachableHTTPRules
 * and its TCP and TLS twins): they change no verdict, but a rule that never applies is a mistake.
 */
final class UnreachableRules {
  private UnreachableRules() {}

  /**
   * Istio's analyzeUnreachableHTTPRules: a rule without matches catches everything, so a second
   * one is never used; a match equal to an earlier rule's (ignoring its name) is never used; and
   * a prefix match covered by an earlier, shorter prefix with the same other conditions is not.
   */
  static void http(Checks c, List<HttpRoute> routes) {
    Map<JsonNode, Integer> seen = new HashMap<>();
    int emptyMatch = -1;
    List<PrefixMatch> prefixes = new ArrayList<>();
    for (int r = 0; r < routes.size(); r++) {
      HttpRoute route = routes.get(r);
      String at = "spec.http[" + r + "]";
      if (route.match().isEmpty()) {
        if (emptyMatch >= 0) {
          c.warn(at, "virtualService rule " + ruleName(route, r) + " not used (only the last rule can have no matches)");
        }
        emptyMatch = r;
        continue;
      }
      int duplicates = 0;
      for (int m = 0; m < route.match().size(); m++) {
        HttpMatchRequest match = route.match().get(m);
        ObjectNode key = (ObjectNode) TreeWriter.write(match);
        key.remove("name");
        Integer earlier = seen.get(key);
        if (earlier != null) {
          c.warn(at + ".match[" + m + "]", "virtualService rule " + ruleName(route, r) + " match " + matchName(match, m)
              + " is not used (duplicate/overlapping match in rule " + ruleName(routes.get(earlier), earlier) + ")");
          duplicates++;
          continue;
        }
        seen.put(key, r);
        PrefixMatch pm = PrefixMatch.of(route, r, match, m);
        if (pm != null) {
          prefixes.add(pm);
        }
      }
      if (duplicates == route.match().size()) {
        c.warn(at, "virtualService rule " + ruleName(route, r) + " not used (all matches used by prior rules)");
      }
    }
    for (int a = 0; a < prefixes.size(); a++) {
      for (int b = a + 1; b < prefixes.size(); b++) {
        PrefixMatch earlier = prefixes.get(a);
        PrefixMatch later = prefixes.get(b);
        if (!later.prefix.equals(earlier.prefix) && earlier.covers(later)) {
          c.warn(later.path, "virtualService rule " + later.rule + " match " + later.match + " of prefix " + later.prefix
              + " is not used (duplicate/overlapping match in rule " + earlier.match + " of prefix " + earlier.prefix
              + " on " + earlier.rule + ")");
        }
      }
    }
  }

  static void l4(Checks c, String path, List<List<Object>> matchLists) {
    Map<JsonNode, Integer> seen = new HashMap<>();
    int emptyMatch = -1;
    for (int r = 0; r < matchLists.size(); r++) {
      List<Object> matches = matchLists.get(r);
      String at = path + "[" + r + "]";
      if (matches.isEmpty()) {
        if (emptyMatch >= 0) {
          c.warn(at, "virtualService rule #" + r + " not used (only the last rule can have no matches)");
        }
        emptyMatch = r;
        continue;
      }
      int duplicates = 0;
      for (int m = 0; m < matches.size(); m++) {
        JsonNode key = TreeWriter.write(matches.get(m));
        Integer earlier = seen.get(key);
        if (earlier != null) {
          c.warn(at + ".match[" + m + "]", "virtualService rule #" + r + " match #" + m
              + " is not used (duplicate/overlapping match in rule #" + earlier + ")");
          duplicates++;
        } else {
          seen.put(key, r);
        }
      }
      if (duplicates == matches.size()) {
        c.warn(at, "virtualService rule #" + r + " not used (all matches used by prior rules)");
      }
    }
  }

  private static String ruleName(HttpRoute route, int index) {
    return route.name() != null && !route.name().isEmpty() ? "\"" + route.name() + "\"" : "#" + index;
  }

  private static String matchName(HttpMatchRequest match, int index) {
    return match.name() != null && !match.name().isEmpty() ? "\"" + match.name() + "\"" : "#" + index;
  }

  /** A uri prefix match and its other exact/prefix conditions, as Istio's overlap check sees it. */
  private record PrefixMatch(
      String path, String rule, String match, String prefix, int port, String method, String authority,
      Map<String, String> headers, Map<String, String> queryParams, Map<String, String> withoutHeaders) {

    static @Nullable PrefixMatch of(HttpRoute route, int r, HttpMatchRequest m, int i) {
      if (m.uri() == null || m.uri().prefix() == null || m.uri().prefix().isEmpty()) {
        return null;
      }
      String method = exactOrPrefix(m.method());
      return new PrefixMatch("spec.http[" + r + "].match[" + i + "]", ruleName(route, r), matchName(m, i),
          m.uri().prefix(), m.port() == null ? 0 : m.port(), method.isEmpty() ? "exact:GET" : method,
          exactOrPrefix(m.authority()), conditions(m.headers()), conditions(m.queryParams()),
          conditions(m.withoutHeaders()));
    }

    private static Map<String, String> conditions(Map<String, StringMatch> matches) {
      Map<String, String> out = new HashMap<>();
      matches.forEach((k, v) -> out.put(k, exactOrPrefix(v)));
      return out;
    }

    private static String exactOrPrefix(@Nullable StringMatch m) {
      if (m == null) {
        return "";
      }
      if (m.exact() != null && !m.exact().isEmpty()) {
        return "exact:" + m.exact();
      }
      if (m.prefix() != null && !m.prefix().isEmpty()) {
        return "prefix:" + m.prefix();
      }
      return "";
    }

    /** Istio's coveredValidation: whether this earlier match catches everything {@code b} does. */
    boolean covers(PrefixMatch b) {
      return b.prefix.startsWith(prefix)
          && b.port == port
          && (method.equals(b.method) || method.startsWith(b.method))
          && (authority.equals(b.authority) || authority.startsWith(b.authority))
          && sameConditions(headers, b.headers)
          && sameConditions(queryParams, b.queryParams)
          && sameConditions(withoutHeaders, b.withoutHeaders);
    }

    private static boolean sameConditions(Map<String, String> a, Map<String, String> b) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Map.Entry<String, String> e : a.entrySet()) {
        String other = b.get(e.getKey());
        if (other == null || !(e.getValue().equals(other) || e.getValue().startsWith(other))) {
          return false;
        }
      }
      return true;
    }
  }
}
