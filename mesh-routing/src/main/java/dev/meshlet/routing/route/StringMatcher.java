package dev.meshlet.routing.route;

import com.google.re2j.Pattern;
import dev.meshlet.core.config.networking.StringMatch;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A compiled Istio StringMatch: exact, prefix or RE2 regex (matching the whole value, as Envoy's
 * safe_regex does). A StringMatch with none of them set matches any present value.
 */
public final class StringMatcher {
  private enum Type { EXACT, PREFIX, REGEX, PRESENT }

  private final Type type;
  private final String value;
  private final @Nullable Pattern pattern;
  private final boolean ignoreCase;

  private StringMatcher(Type type, String value, @Nullable Pattern pattern, boolean ignoreCase) {
    this.type = type;
    this.value = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
    this.pattern = pattern;
    this.ignoreCase = ignoreCase;
  }

  /** The matcher of {@code m}, or null when {@code m} is null. */
  public static @Nullable StringMatcher compile(@Nullable StringMatch m, boolean ignoreCase) {
    if (m == null) {
      return null;
    }
    if (m.exact() != null) {
      return new StringMatcher(Type.EXACT, m.exact(), null, ignoreCase);
    }
    if (m.prefix() != null) {
      return new StringMatcher(Type.PREFIX, m.prefix(), null, ignoreCase);
    }
    if (m.regex() != null) {
      return new StringMatcher(Type.REGEX, m.regex(),
          Pattern.compile(m.regex(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0), false);
    }
    return new StringMatcher(Type.PRESENT, "", null, false);
  }

  /** Whether {@code actual} (null when absent) matches. */
  public boolean matches(@Nullable String actual) {
    if (actual == null) {
      return false;
    }
    return switch (type) {
      case EXACT -> ignoreCase ? actual.equalsIgnoreCase(value) : actual.equals(value);
      case PREFIX -> actual.regionMatches(ignoreCase, 0, value, 0, value.length());
      case REGEX -> pattern.matches(actual);
      case PRESENT -> true;
    };
  }

  /** The prefix this matcher tests for, or null when it is not a prefix match. */
  public @Nullable String prefix() {
    return type == Type.PREFIX ? value : null;
  }
}
