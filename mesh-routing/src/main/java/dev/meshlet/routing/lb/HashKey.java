package dev.meshlet.routing.lb;

import dev.meshlet.core.config.networking.LoadBalancerSettings.Attribute;
import dev.meshlet.core.config.networking.LoadBalancerSettings.ConsistentHashLb;
import dev.meshlet.core.config.networking.LoadBalancerSettings.HttpCookie;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * Where a consistent-hash key comes from (header, cookie, source IP or query parameter), and the
 * cookie to set when the key is a cookie the request lacks.
 */
final class HashKey {

  enum Source {
    HEADER,
    COOKIE,
    SOURCE_IP,
    QUERY_PARAMETER
  }

  final Source source;
  final String name;
  private final @Nullable String cookieSuffix; // "; Path=/; Max-Age=60; HttpOnly", null: never generate

  private HashKey(Source source, String name, @Nullable String cookieSuffix) {
    this.source = source;
    this.name = name;
    this.cookieSuffix = cookieSuffix;
  }

  static HashKey of(ConsistentHashLb hash) {
    if (hash.httpHeaderName() != null) {
      return new HashKey(Source.HEADER, hash.httpHeaderName(), null);
    }
    HttpCookie cookie = hash.httpCookie();
    if (cookie != null) {
      if (cookie.name() == null || cookie.name().isEmpty()) {
        throw new IllegalArgumentException(
            "consistentHash.httpCookie.name: " + cookie.name() + " (expected: a cookie name)");
      }
      return new HashKey(Source.COOKIE, cookie.name(), cookieSuffix(cookie));
    }
    if (Boolean.TRUE.equals(hash.useSourceIp())) {
      return new HashKey(Source.SOURCE_IP, "", null);
    }
    if (hash.httpQueryParameterName() != null) {
      return new HashKey(Source.QUERY_PARAMETER, hash.httpQueryParameterName(), null);
    }
    throw new IllegalArgumentException(
        "consistentHash: no hash key (expected: one of httpHeaderName, httpCookie, useSourceIp,"
            + " httpQueryParameterName)");
  }

  /** As Envoy: a cookie is generated only when a ttl is given; a zero ttl makes a session cookie. */
  private static @Nullable String cookieSuffix(HttpCookie cookie) {
    Duration ttl = cookie.ttl();
    if (ttl == null) {
      return null;
    }
    StringBuilder s = new StringBuilder();
    if (cookie.path() != null && !cookie.path().isEmpty()) {
      s.append("; Path=").append(cookie.path());
    }
    if (!ttl.isZero()) {
      s.append("; Max-Age=").append(Math.max(1, ttl.toSeconds()));
    }
    List<Attribute> attributes = cookie.attributes();
    for (Attribute a : attributes) {
      if (a.name() == null) {
        continue;
      }
      s.append("; ").append(a.name());
      if (a.value() != null && !a.value().isEmpty()) {
        s.append('=').append(a.value());
      }
    }
    s.append("; HttpOnly");
    return s.toString();
  }

  /** Whether the key is read from the request header {@code header} (a cookie key reads only {@code Cookie}). */
  boolean readsHeader(String header) {
    return switch (source) {
      case HEADER -> name.equalsIgnoreCase(header);
      case COOKIE -> header.equalsIgnoreCase("Cookie");
      default -> false;
    };
  }

  /** The key's value in {@code request}, or null when the request does not carry it. */
  @Nullable String value(Request request, @Nullable String sourceIp) {
    return switch (source) {
      case HEADER -> request.header(name);
      case COOKIE -> cookie(request, name);
      case SOURCE_IP -> sourceIp;
      case QUERY_PARAMETER -> request.url().queryParameter(name);
    };
  }

  /** Whether a missing cookie should be generated and set on the response. */
  boolean generatesCookie() {
    return cookieSuffix != null;
  }

  /** A fresh cookie value, hex of 64 random bits. */
  static String newCookieValue(RandomGenerator random) {
    String hex = Long.toHexString(random.nextLong());
    return "0".repeat(16 - hex.length()) + hex;
  }

  String setCookie(String value) {
    return name + "=" + value + cookieSuffix;
  }

  /** The value of cookie {@code name} in the request's Cookie headers, or null. */
  static @Nullable String cookie(Request request, String name) {
    for (String header : request.headers("Cookie")) {
      int at = 0;
      while (at < header.length()) {
        int end = header.indexOf(';', at);
        if (end < 0) {
          end = header.length();
        }
        int eq = header.indexOf('=', at);
        if (eq > 0 && eq < end) {
          int nameStart = skipSpaces(header, at, eq);
          int nameEnd = eq;
          while (nameEnd > nameStart && header.charAt(nameEnd - 1) == ' ') {
            nameEnd--;
          }
          if (nameEnd - nameStart == name.length() && header.regionMatches(nameStart, name, 0, name.length())) {
            String value = header.substring(eq + 1, end).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
              value = value.substring(1, value.length() - 1);
            }
            return value;
          }
        }
        at = end + 1;
      }
    }
    return null;
  }

  private static int skipSpaces(String s, int from, int to) {
    while (from < to && s.charAt(from) == ' ') {
      from++;
    }
    return from;
  }
}
