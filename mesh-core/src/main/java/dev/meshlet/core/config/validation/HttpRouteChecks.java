package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.networking.HttpDirectResponse;
import dev.meshlet.core.config.networking.HttpFaultInjection;
import dev.meshlet.core.config.networking.HttpMatchRequest;
import dev.meshlet.core.config.networking.HttpMirrorPolicy;
import dev.meshlet.core.config.networking.HttpRedirect;
import dev.meshlet.core.config.networking.HttpRetry;
import dev.meshlet.core.config.networking.HttpRewrite;
import dev.meshlet.core.config.networking.HttpRoute;
import dev.meshlet.core.config.networking.HttpRouteDestination;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Istio's validateHTTPRoute and what it calls, for one HTTP route of a VirtualService. */
final class HttpRouteChecks {
  /** Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on values that Istio accepts in retryOn. */
  static final Set<String> RETRY_ON = Set.of(
      "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "retriable-4xx",
      "refused-stream", "retriable-status-codes", "retriable-headers", "envoy-ratelimited",
      "http3-post-connect-failure", "cancelled", "deadline-exceeded", "internal", "resource-exhausted",
      "unavailable");
  /** The status codes Go's http.StatusText knows, which Istio takes as retryOn values too. */
  private static final Set<Integer> KNOWN_STATUS = Set.of(
      100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305,
      307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417,
      418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508,
      510, 511);
  private static final Set<String> GRPC_STATUS = Set.of(
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
      "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED");
  private static final int KB = 1024;
  private static final int MB = 1024 * KB;

  private HttpRouteChecks() {}

  /**
   * Checks one HTTP route.
   *
   * @param inDelegate whether the route belongs to a delegate VirtualService (one without hosts)
   */
  static void route(Checks c, String p, HttpRoute http, boolean inDelegate) {
    conflicts(c, p, http, inDelegate);
    for (int i = 0; i < http.match().size(); i++) {
      match(c, p + ".match[" + i + "]", http.match().get(i));
    }
    HttpHeaderChecks.headerOperations(c, p + ".headers", http.headers());
    HttpHeaderChecks.cors(c, p + ".corsPolicy", http.corsPolicy());
    fault(c, p + ".fault", http.fault());
    for (String field : new String[] {"mirrorPercent", "mirror_percent"}) {
      Integer percent = field.equals("mirrorPercent") ? http.mirrorPercent() : http.mirror_percent();
      if (percent == null) {
        continue;
      }
      NetChecks.unsigned(c, p + "." + field, percent);
      if (percent > 100) {
        c.error(p + "." + field, "mirror_percent must have a max value of 100 (it has " + percent + ")");
      }
      c.warn(p + "." + field, "using deprecated setting \"" + field + "\", use \"mirrorPercentage\" instead");
    }
    if (http.mirrorPercentage() != null) {
      mirrorPercentage(c, p + ".mirrorPercentage.value", http.mirrorPercentage().value());
    }
    if (http.mirror() != null) {
      NetChecks.destination(c, p + ".mirror", http.mirror());
    }
    mirrors(c, p + ".mirrors", http.mirrors());
    redirect(c, p + ".redirect", http.redirect());
    directResponse(c, p + ".directResponse", http.directResponse());
    retries(c, p + ".retries", http.retries());
    rewrite(c, p + ".rewrite", http.rewrite());
    HttpHeaderChecks.authorityRewrite(c, p, http);
    destinations(c, p + ".route", http.route());
    c.duration(p + ".timeout", http.timeout());
  }

  private static void conflicts(Checks c, String p, HttpRoute http, boolean inDelegate) {
    if (!inDelegate && http.delegate() != null) {
      // A root route hands everything to its delegate.
      String name = http.name() == null ? "" : http.name() + " ";
      if (http.redirect() != null) {
        c.error(p + ".redirect", "root HTTP route " + name + "must not specify redirect (it has a delegate)");
      }
      if (!http.route().isEmpty()) {
        c.error(p + ".route", "root HTTP route " + name + "must not specify route (it has a delegate)");
      }
      return;
    }
    if (inDelegate && http.delegate() != null) {
      c.error(p + ".delegate", "delegate HTTP route cannot contain delegate");
    }
    if (http.redirect() != null) {
      if (!http.route().isEmpty()) {
        c.error(p, "HTTP route cannot contain both route and redirect");
      }
      if (http.fault() != null) {
        c.error(p, "HTTP route cannot contain both fault and redirect");
      }
      if (http.rewrite() != null) {
        c.error(p, "HTTP route rule cannot contain both rewrite and redirect");
      }
      if (http.directResponse() != null) {
        c.error(p, "HTTP route rule cannot contain both direct_response and redirect");
      }
    } else if (http.directResponse() != null) {
      if (!http.route().isEmpty()) {
        c.error(p, "HTTP route cannot contain both route and direct_response");
      }
      if (http.fault() != null) {
        c.error(p, "HTTP route cannot contain both fault and direct_response");
      }
      if (http.rewrite() != null) {
        c.error(p, "HTTP route rule cannot contain both rewrite and direct_response");
      }
    } else if (http.route().isEmpty()) {
      c.error(p + ".route", "HTTP route, redirect or direct_response is required");
    }
    if (http.mirror() != null && !http.mirrors().isEmpty()) {
      c.error(p, "HTTP route cannot contain both mirror and mirrors");
    }
  }

  private static void match(Checks c, String p, HttpMatchRequest m) {
    m.headers().forEach((name, sm) -> {
      NetChecks.headerName(c, p + ".headers[" + name + "]", name, true);
      NetChecks.stringMatch(c, p + ".headers[" + name + "]", sm, false);
    });
    m.withoutHeaders().forEach((name, sm) -> {
      NetChecks.headerName(c, p + ".withoutHeaders[" + name + "]", name, true);
      if (!"*".equals(sm.regex())) { // Istio reads regex "*" as "present", not as a regex
        NetChecks.stringMatch(c, p + ".withoutHeaders[" + name + "]", sm, false);
      }
    });
    // uri may have an empty prefix (Envoy's path matcher takes it); the others may not.
    NetChecks.stringMatch(c, p + ".uri", m.uri(), true);
    NetChecks.stringMatch(c, p + ".scheme", m.scheme(), false);
    NetChecks.stringMatch(c, p + ".method", m.method(), false);
    NetChecks.stringMatch(c, p + ".authority", m.authority(), false);
    m.queryParams().forEach((name, sm) -> NetChecks.stringMatch(c, p + ".queryParams[" + name + "]", sm, false));
    if (m.port() != null && m.port() != 0) {
      NetChecks.port(c, p + ".port", m.port());
    }
    NetChecks.labels(c, p + ".sourceLabels", m.sourceLabels());
    NetChecks.gatewayNames(c, p + ".gateways", m.gateways());
    VirtualServiceValidator.warnGateways(c, p + ".gateways", m.gateways(), "this match");
    if (m.sourceNamespace() != null && !m.sourceNamespace().isEmpty() && !HostChecks.isDnsLabel(m.sourceNamespace())) {
      c.error(p + ".sourceNamespace", "sourceNamespace match " + m.sourceNamespace() + " is invalid (expected a namespace name)");
    }
    if (m.statPrefix() != null) {
      c.warn(p + ".statPrefix", "statPrefix is ignored in-process: Meshlet's metrics carry Istio's standard labels only");
    }
  }

  private static void fault(Checks c, String p, @Nullable HttpFaultInjection fault) {
    if (fault == null) {
      return;
    }
    if (fault.abort() == null && fault.delay() == null) {
      c.error(p, "HTTP fault injection must have an abort and/or a delay");
    }
    HttpFaultInjection.Abort abort = fault.abort();
    if (abort != null) {
      String at = p + ".abort";
      NetChecks.percentage(c, at + ".percentage", abort.percentage());
      int types = (abort.httpStatus() != null ? 1 : 0) + (abort.grpcStatus() != null ? 1 : 0) + (abort.http2Error() != null ? 1 : 0);
      if (types > 1) {
        c.error(at, "only one of httpStatus, grpcStatus or http2Error may be set");
      } else if (abort.grpcStatus() != null) {
        if (!GRPC_STATUS.contains(abort.grpcStatus())) {
          c.error(at + ".grpcStatus", "gRPC status \"" + abort.grpcStatus()
              + "\" is not supported (expected a gRPC status name, for example NOT_FOUND or UNAVAILABLE)");
        }
      } else if (abort.http2Error() != null) {
        c.error(at + ".http2Error", "HTTP/2 abort fault injection not supported yet");
      } else if (abort.httpStatus() != null) {
        httpStatus(c, at + ".httpStatus", abort.httpStatus());
      } else {
        c.warn(at, "abort configured, but error type not set");
      }
    }
    HttpFaultInjection.Delay delay = fault.delay();
    if (delay != null) {
      String at = p + ".delay";
      NetChecks.percentage(c, at + ".percentage", delay.percentage());
      if (delay.fixedDelay() != null && delay.exponentialDelay() != null) {
        c.error(at, "only one of fixedDelay or exponentialDelay may be set");
      }
      c.duration(at + ".fixedDelay", delay.fixedDelay());
      if (delay.exponentialDelay() != null) {
        c.duration(at + ".exponentialDelay", delay.exponentialDelay());
        c.error(at + ".exponentialDelay", "exponentialDelay not supported yet");
      }
      if (delay.percent() != null) {
        c.warn(at + ".percent", "percent is deprecated, use percentage instead");
      }
    }
  }

  private static void httpStatus(Checks c, String path, int status) {
    if (status < 200 || status > 600) {
      c.error(path, "HTTP status " + status + " is not in range 200-599");
    }
  }

  private static void mirrorPercentage(Checks c, String path, @Nullable Double value) {
    double v = value == null ? 0 : value;
    if (v > 100) {
      c.error(path, "mirror percentage must have a max value of 100 (it has " + v + ")");
    }
    if (v < 0) {
      c.error(path, "mirror percentage must have a min value of 0 (it has " + v + ")");
    }
  }

  private static void mirrors(Checks c, String p, List<HttpMirrorPolicy> mirrors) {
    for (int i = 0; i < mirrors.size(); i++) {
      HttpMirrorPolicy m = mirrors.get(i);
      String at = p + "[" + i + "]";
      if (m.destination() == null) {
        c.error(at + ".destination", "destination is required for mirrors");
        continue;
      }
      NetChecks.destination(c, at + ".destination", m.destination());
      if (m.percentage() != null) {
        mirrorPercentage(c, at + ".percentage.value", m.percentage().value());
      }
    }
  }

  private static void redirect(Checks c, String p, @Nullable HttpRedirect r) {
    if (r == null) {
      return;
    }
    if (r.port() != null && r.derivePort() != null) {
      c.error(p, "only one of port or derivePort may be set");
    }
    if (empty(r.uri()) && empty(r.authority()) && r.port() == null && r.derivePort() == null && empty(r.scheme())) {
      c.error(p, "redirect must specify URI, authority, scheme, or port");
    }
    if (r.redirectCode() != null && r.redirectCode() != 0 && (r.redirectCode() < 300 || r.redirectCode() > 399)) {
      c.error(p + ".redirectCode", r.redirectCode() + " is not a valid redirect code, must be 3xx");
    }
    if (!empty(r.scheme()) && !r.scheme().equals("http") && !r.scheme().equals("https")) {
      c.error(p + ".scheme", "invalid redirect scheme \"" + r.scheme() + "\", must be \"http\" or \"https\"");
    }
    if (r.port() != null && r.port() != 0) {
      NetChecks.port(c, p + ".port", r.port());
    }
  }

  private static void directResponse(Checks c, String p, @Nullable HttpDirectResponse d) {
    if (d == null) {
      return;
    }
    if (d.body() != null) {
      int size = 0;
      if (d.body().string() != null && d.body().bytes() != null) {
        c.error(p + ".body", "only one of string or bytes may be set");
      } else if (d.body().string() != null) {
        size = d.body().string().getBytes(StandardCharsets.UTF_8).length;
      } else if (d.body().bytes() != null) {
        try {
          size = Base64.getDecoder().decode(d.body().bytes()).length;
        } catch (IllegalArgumentException e) {
          c.error(p + ".body.bytes", "not valid base64 (the bytes of a body are written base64-encoded)");
        }
      }
      if (size > MB) {
        c.error(p + ".body", "large direct_responses may impact control plane performance, must be less than 1MB");
      } else if (size > 100 * KB) {
        c.warn(p + ".body", "large direct_responses may impact control plane performance");
      }
    }
    if (d.status() == null) {
      c.error(p + ".status", "status is required");
    } else {
      httpStatus(c, p + ".status", d.status());
    }
  }

  private static void retries(Checks c, String p, @Nullable HttpRetry r) {
    if (r == null) {
      return;
    }
    int attempts = r.attempts() == null ? 0 : r.attempts();
    if (attempts < 0) {
      c.error(p + ".attempts", "attempts cannot be negative");
    }
    if (attempts == 0 && (r.perTryTimeout() != null || !empty(r.retryOn()) || r.retryRemoteLocalities() != null)) {
      c.error(p + ".attempts", "http retry policy configured when attempts are set to 0 (disabled)");
    }
    c.duration(p + ".perTryTimeout", r.perTryTimeout());
    c.duration(p + ".backoff", r.backoff());
    if (!empty(r.retryOn())) {
      // As Istio: split on ',' only, so "5xx, reset" (with a space) is refused.
      for (String policy : r.retryOn().split(",", -1)) {
        boolean status = HostChecks.isDigits(policy) && policy.length() <= 3 && KNOWN_STATUS.contains(Integer.parseInt(policy));
        if (!status && !RETRY_ON.contains(policy)) {
          c.error(p + ".retryOn", "\"" + policy + "\" is not a valid retryOn policy (expected an HTTP status code or one of "
              + String.join(", ", RETRY_ON.stream().sorted().toList()) + ")");
        }
      }
    }
  }

  private static void rewrite(Checks c, String p, @Nullable HttpRewrite r) {
    if (r == null) {
      return;
    }
    if (!empty(r.uri()) && r.uriRegexRewrite() != null) {
      c.error(p, "rewrite may only contain one of URI or UriRegexRewrite");
      return;
    }
    if (empty(r.uri()) && r.uriRegexRewrite() == null && empty(r.authority())) {
      c.error(p, "rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified");
      return;
    }
    if (r.uriRegexRewrite() != null) {
      String match = r.uriRegexRewrite().match();
      if (empty(match) || empty(r.uriRegexRewrite().rewrite())) {
        c.error(p + ".uriRegexRewrite", "UriRegexRewrite requires both Rewrite and Match fields to be specified");
      } else {
        NetChecks.regex(c, p + ".uriRegexRewrite.match", match);
      }
    }
  }

  /** Istio's validateHTTPRouteDestinations. */
  private static void destinations(Checks c, String p, List<HttpRouteDestination> route) {
    long total = 0;
    for (int i = 0; i < route.size(); i++) {
      HttpRouteDestination d = route.get(i);
      String at = p + "[" + i + "]";
      if (d.destination() == null) {
        c.error(at + ".destination", "destination is required");
      }
      HttpHeaderChecks.headerOperations(c, at + ".headers", d.headers());
      NetChecks.destination(c, at + ".destination", d.destination());
      int weight = d.weight() == null ? 0 : d.weight();
      if (weight < 0) {
        c.error(at + ".weight", "weight " + weight + " < 0 (expected: 0 or more)");
      }
      total += weight;
    }
    if (route.size() > 1 && total == 0) {
      c.error(p, "total destination weight = 0 (expected at least one destination with a weight above 0)");
    }
  }

  static boolean empty(@Nullable String s) {
    return s == null || s.isEmpty();
  }
}
