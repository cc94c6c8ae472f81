package dev.meshlet.examples.bookinfo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Small helpers the Bookinfo handlers share: JSON answers, query parameters, propagated headers. */
final class Exchanges {

  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Headers Bookinfo carries from an inbound request to the calls it makes: the signed-in user
   * (Istio's jason rules match on it) and the trace context (W3C and B3), as Istio's Bookinfo does.
   */
  static final List<String> PROPAGATED = List.of("end-user", "x-request-id", "traceparent", "tracestate",
      "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags");

  private Exchanges() {}

  static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  static void error(HttpExchange exchange, int status, String message) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", message);
    send(exchange, status, body);
  }

  static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> params = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.putIfAbsent(key, value);
    }
    return params;
  }

  /** The headers to carry on: {@link #PROPAGATED} as they arrived. */
  static Map<String, String> propagated(HttpExchange exchange) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : PROPAGATED) {
      String value = exchange.getRequestHeaders().getFirst(name);
      if (value != null) {
        headers.put(name, value);
      }
    }
    return headers;
  }

  /** The product id at the end of {@code /prefix/ID}, or null when it is not a number. */
  static @Nullable Integer idAfter(HttpExchange exchange, String prefix) {
    String path = exchange.getRequestURI().getPath();
    if (!path.startsWith(prefix)) {
      return null;
    }
    try {
      return Integer.parseInt(path.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
