package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.networking.CorsPolicy;
import dev.meshlet.core.config.networking.Headers;
import dev.meshlet.core.config.networking.HttpRoute;
import dev.meshlet.core.config.networking.StringMatch;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Istio's checks of the headers an HTTP route edits (names, values, the authority set in one
 * place only) and of its CORS policy.
 */
final class HttpHeaderChecks {
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE");

  private HttpHeaderChecks() {}

  /** Istio's header manipulation checks; {@code :authority} and Host may be set on requests. */
  static void headerOperations(Checks c, String p, @Nullable Headers headers) {
    if (headers == null) {
      return;
    }
    Headers.HeaderOperations req = headers.request();
    if (req != null) {
      req.add().forEach((k, v) -> setRequestHeader(c, p + ".request.add[" + k + "]", k, v));
      req.set().forEach((k, v) -> setRequestHeader(c, p + ".request.set[" + k + "]", k, v));
      for (int i = 0; i < req.remove().size(); i++) {
        operationName(c, p + ".request.remove[" + i + "]", req.remove().get(i));
      }
    }
    Headers.HeaderOperations resp = headers.response();
    if (resp != null) {
      resp.add().forEach((k, v) -> {
        operationName(c, p + ".response.add[" + k + "]", k);
        NetChecks.headerValue(c, p + ".response.add[" + k + "]", v);
      });
      resp.set().forEach((k, v) -> {
        operationName(c, p + ".response.set[" + k + "]", k);
        NetChecks.headerValue(c, p + ".response.set[" + k + "]", v);
      });
      for (int i = 0; i < resp.remove().size(); i++) {
        operationName(c, p + ".response.remove[" + i + "]", resp.remove().get(i));
      }
    }
  }

  private static void setRequestHeader(Checks c, String path, String name, String value) {
    if (name.isEmpty()) {
      c.error(path, "header name cannot be empty");
    } else if (isInternalHeader(name) && !isAuthorityHeader(name)) {
      c.error(path, "invalid header \"" + name + "\": header cannot have \":\" prefix");
    }
    NetChecks.headerValue(c, path, value);
  }

  private static void operationName(Checks c, String path, String name) {
    if (name.isEmpty()) {
      c.error(path, "header name cannot be empty");
    } else if (name.equalsIgnoreCase("host")) {
      c.error(path, "invalid header \"" + name + "\": cannot set Host header");
    } else if (name.startsWith(":")) {
      c.error(path, "invalid header \"" + name + "\": header cannot have \":\" prefix");
    }
  }

  private static boolean isInternalHeader(String name) {
    return name.startsWith(":") || name.equalsIgnoreCase("host");
  }

  private static boolean isAuthorityHeader(String name) {
    return name.equalsIgnoreCase(":authority") || name.equalsIgnoreCase("host");
  }

  /** Istio's validateAuthorityRewrite: the authority is rewritten in one place at most. */
  static void authorityRewrite(Checks c, String p, HttpRoute http) {
    String current = http.rewrite() == null || http.rewrite().authority() == null ? "" : http.rewrite().authority();
    Headers.HeaderOperations req = http.headers() == null ? null : http.headers().request();
    if (req == null) {
      return;
    }
    for (Map<String, String> ops : List.of(req.set(), req.add())) {
      for (Map.Entry<String, String> e : ops.entrySet()) {
        if (!isAuthorityHeader(e.getKey())) {
          continue;
        }
        if (!current.isEmpty()) {
          c.error(p + ".headers.request", "authority header cannot be set multiple times: have \"" + current
              + "\", attempting to set \"" + e.getValue() + "\"");
          return;
        }
        current = e.getValue();
      }
    }
  }

  static void cors(Checks c, String p, @Nullable CorsPolicy cors) {
    if (cors == null) {
      return;
    }
    for (int i = 0; i < cors.allowOrigins().size(); i++) {
      StringMatch o = cors.allowOrigins().get(i);
      String at = p + ".allowOrigins[" + i + "]";
      String value = o.exact() != null ? o.exact() : o.prefix() != null ? o.prefix() : o.regex();
      if (value == null || value.isEmpty()) {
        c.error(at, "'" + (value == null ? "" : value) + "' is not a valid match type for CORS allow origins");
      } else {
        NetChecks.stringMatch(c, at, o, false);
      }
    }
    if (!cors.allowOrigin().isEmpty()) {
      c.warn(p + ".allowOrigin", "allowOrigin is deprecated, use allowOrigins instead");
    }
    for (int i = 0; i < cors.allowMethods().size(); i++) {
      String m = cors.allowMethods().get(i);
      if (!METHODS.contains(m)) {
        c.error(p + ".allowMethods[" + i + "]", "\"" + m + "\" is not a supported HTTP method (expected one of "
            + String.join(", ", METHODS.stream().sorted().toList()) + ")");
      }
    }
    corsHeaders(c, p + ".allowHeaders", cors.allowHeaders());
    corsHeaders(c, p + ".exposeHeaders", cors.exposeHeaders());
    if (cors.maxAge() != null) {
      c.duration(p + ".maxAge", cors.maxAge());
      if (cors.maxAge().getNano() > 0) {
        c.error(p + ".maxAge", "max_age duration is accurate only to seconds precision");
      }
    }
  }

  private static void corsHeaders(Checks c, String p, List<String> names) {
    for (int i = 0; i < names.size(); i++) {
      if (!names.get(i).equals("*")) {
        NetChecks.headerName(c, p + "[" + i + "]", names.get(i), false);
      }
    }
  }
}
