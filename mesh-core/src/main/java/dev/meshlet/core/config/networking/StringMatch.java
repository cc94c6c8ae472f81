package dev.meshlet.core.config.networking;

import org.jspecify.annotations.Nullable;

/**
 * How a string (a path, a header value, ...) is matched: exactly, by prefix or by an RE2 regex.
 * Istio allows one of the three; an empty match ({@code {}}) matches a present value of any form.
 */
public record StringMatch(@Nullable String exact, @Nullable String prefix, @Nullable String regex) {

  public static StringMatch exact(String value) {
    return new StringMatch(value, null, null);
  }

  public static StringMatch prefix(String value) {
    return new StringMatch(null, value, null);
  }

  public static StringMatch regex(String value) {
    return new StringMatch(null, null, value);
  }
}
