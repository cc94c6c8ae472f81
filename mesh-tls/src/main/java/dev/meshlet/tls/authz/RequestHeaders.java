package dev.meshlet.tls.authz;

import java.util.Map;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads a request header for authorization: the server adapter wraps its own header type (the
 * JDK's {@code Headers}, Jetty's {@code HttpFields}) without copying. Names are asked in lower
 * case; the lookup must ignore case. A header sent more than once is answered as Envoy sees it:
 * the values joined with {@code ","}.
 */
@FunctionalInterface
public interface RequestHeaders {

  /** No headers at all. */
  RequestHeaders NONE = name -> null;

  /** The value of header {@code lowerCaseName}, or null when the request does not carry it. */
  @Nullable String get(String lowerCaseName);

  /** Headers from a map (tests, small adapters); the keys are matched ignoring case. */
  static RequestHeaders of(Map<String, String> headers) {
    Map<String, String> lower = new java.util.HashMap<>();
    headers.forEach((k, v) -> lower.merge(k.toLowerCase(Locale.ROOT), v, (a, b) -> a + "," + b));
    Map<String, String> copy = Map.copyOf(lower);
    return copy::get;
  }
}
