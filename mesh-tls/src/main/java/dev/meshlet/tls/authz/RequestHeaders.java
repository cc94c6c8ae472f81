package dev.meshlet.tls.authz;

import java.util.Map;
import java.util.Locale;
import java.util.function.BiConsumer;
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

  /**
   * Calls {@code action} with each header line's name (in the case it was sent) and value, in the
   * order received, when this view can list its headers; returns false, having called nothing,
   * when it cannot (then ask by name). A reader that wants many headers (the inbound chain's trace
   * context) reads them all in one pass instead of scanning every header once per name.
   */
  default boolean forEach(BiConsumer<String, String> action) {
    return false;
  }

  /** Headers from a map (tests, small adapters); the keys are matched ignoring case. */
  static RequestHeaders of(Map<String, String> headers) {
    Map<String, String> lower = new java.util.HashMap<>();
    headers.forEach((k, v) -> lower.merge(k.toLowerCase(Locale.ROOT), v, (a, b) -> a + "," + b));
    Map<String, String> copy = Map.copyOf(lower);
    return copy::get;
  }
}
