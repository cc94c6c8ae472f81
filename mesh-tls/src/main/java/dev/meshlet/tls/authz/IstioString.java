package dev.meshlet.tls.authz;

import org.jspecify.annotations.Nullable;

/**
 * Istio's string matching of one policy value, decided at compile time: {@code *} (present;
 * for most attributes also non-empty), {@code *suffix}, {@code prefix*}, or exact; optionally
 * ignoring ASCII case (hosts). A null value (the attribute is absent) never matches.
 */
final class IstioString {

  private enum Kind { PRESENT, NON_EMPTY, PREFIX, SUFFIX, EXACT }

  private final Kind kind;
  private final String text;
  private final boolean ignoreCase;

  private IstioString(Kind kind, String text, boolean ignoreCase) {
    this.kind = kind;
    this.text = text;
    this.ignoreCase = ignoreCase;
  }

  /**
   * @param starMeansPresent whether {@code *} accepts an empty value (Envoy's header
   *     present_match) or needs a non-empty one (Istio's {@code .+} for principals, paths, SNI)
   */
  static IstioString of(String value, boolean ignoreCase, boolean starMeansPresent) {
    if (value.equals("*")) {
      return new IstioString(starMeansPresent ? Kind.PRESENT : Kind.NON_EMPTY, "", ignoreCase);
    }
    if (value.startsWith("*")) {
      return new IstioString(Kind.SUFFIX, value.substring(1), ignoreCase);
    }
    if (value.endsWith("*")) {
      return new IstioString(Kind.PREFIX, value.substring(0, value.length() - 1), ignoreCase);
    }
    return new IstioString(Kind.EXACT, value, ignoreCase);
  }

  boolean matches(@Nullable String value) {
    if (value == null) {
      return false;
    }
    return switch (kind) {
      case PRESENT -> true;
      case NON_EMPTY -> !value.isEmpty();
      case PREFIX -> value.regionMatches(ignoreCase, 0, text, 0, text.length());
      case SUFFIX -> value.length() >= text.length()
          && value.regionMatches(ignoreCase, value.length() - text.length(), text, 0, text.length());
      case EXACT -> ignoreCase ? value.equalsIgnoreCase(text) : value.equals(text);
    };
  }
}
