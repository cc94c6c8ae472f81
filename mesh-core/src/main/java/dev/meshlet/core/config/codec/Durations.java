package dev.meshlet.core.config.codec;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/**
 * Durations as Istio's YAML writes them: Go's syntax ({@code 1.5s}, {@code 500ms}, {@code 1h30m},
 * {@code 2m}), which is also what its CRD schema accepts. Protobuf's own {@code "1.5s"} form is a
 * subset.
 */
public final class Durations {
  private Durations() {}

  /** Parses {@code text}; empty when it is not a duration. */
  public static Optional<Duration> parse(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      return Optional.empty();
    }
    boolean negative = false;
    int i = 0;
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      negative = s.charAt(0) == '-';
      i = 1;
    }
    if (i == s.length()) {
      return Optional.empty();
    }
    if (s.substring(i).equals("0")) {
      return Optional.of(Duration.ZERO);
    }
    BigDecimal nanos = BigDecimal.ZERO;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(start, i);
      if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
        return Optional.empty();
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      long unitNanos;
      switch (s.substring(unitStart, i)) {
        case "ns" -> unitNanos = 1L;
        case "us", "µs", "μs" -> unitNanos = 1_000L;
        case "ms" -> unitNanos = 1_000_000L;
        case "s" -> unitNanos = 1_000_000_000L;
        case "m" -> unitNanos = 60_000_000_000L;
        case "h" -> unitNanos = 3_600_000_000_000L;
        default -> {
          return Optional.empty();
        }
      }
      nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unitNanos)));
    }
    if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return Optional.empty();
    }
    Duration d = Duration.ofNanos(nanos.longValue());
    return Optional.of(negative ? d.negated() : d);
  }

  /** Writes {@code d} the shortest way Go would read back: {@code 1.5s}, {@code 500ms}, {@code 2m}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    long nanos = d.toNanos();
    if (nanos % 3_600_000_000_000L == 0) {
      return nanos / 3_600_000_000_000L + "h";
    }
    if (nanos % 60_000_000_000L == 0) {
      return nanos / 60_000_000_000L + "m";
    }
    if (nanos % 1_000_000L != 0) {
      return nanos % 1_000L == 0 ? nanos / 1_000L + "us" : nanos + "ns";
    }
    if (nanos < 1_000_000_000L) {
      return nanos / 1_000_000L + "ms";
    }
    return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString() + "s";
  }
}
