package dev.meshlet.routing.outlier;

import dev.meshlet.core.config.networking.OutlierDetection;
import java.time.Duration;
import java.util.Objects;

/**
 * The effective outlier-detection settings of one destination, with Istio's defaults filled
 * in. A threshold of 0 disables that kind of ejection.
 *
 * @param consecutive5xxErrors 5xx responses in a row that eject (Istio: default 5)
 * @param consecutiveGatewayErrors 502, 503 or 504 responses in a row that eject (Istio: off)
 * @param consecutiveLocalOriginFailures connect failures, timeouts or resets in a row that eject;
 *     applies only with {@code splitExternalLocalOriginErrors} (Istio: default 5)
 * @param splitExternalLocalOriginErrors count local failures apart from responses; when false
 *     a local failure counts as a 503 response, as Envoy does
 * @param interval how often ejections are reviewed (Istio: 10s)
 * @param baseEjectionTime an ejection lasts this times the number of times ejected (Istio: 30s)
 * @param maxEjectionTime the longest ejection (Envoy: 300s, or the base time if longer)
 * @param maxEjectionPercent at most this share of endpoints is ejected at once, though one
 *     endpoint always may be (Istio: 10)
 * @param minHealthPercent below this share of healthy endpoints, balance over all of them
 *     (panic); 0 never panics (Istio: 0)
 */
public record OutlierConfig(
    int consecutive5xxErrors,
    int consecutiveGatewayErrors,
    int consecutiveLocalOriginFailures,
    boolean splitExternalLocalOriginErrors,
    Duration interval,
    Duration baseEjectionTime,
    Duration maxEjectionTime,
    int maxEjectionPercent,
    int minHealthPercent) {

  public static final int DEFAULT_CONSECUTIVE_5XX_ERRORS = 5;
  public static final int DEFAULT_CONSECUTIVE_LOCAL_ORIGIN_FAILURES = 5;
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);
  public static final int DEFAULT_MAX_EJECTION_PERCENT = 10;
  public static final int DEFAULT_MIN_HEALTH_PERCENT = 0;

  public OutlierConfig {
    checkNotNegative("consecutive5xxErrors", consecutive5xxErrors);
    checkNotNegative("consecutiveGatewayErrors", consecutiveGatewayErrors);
    checkNotNegative("consecutiveLocalOriginFailures", consecutiveLocalOriginFailures);
    checkPositive("interval", interval);
    checkPositive("baseEjectionTime", baseEjectionTime);
    checkPositive("maxEjectionTime", maxEjectionTime);
    checkPercent("maxEjectionPercent", maxEjectionPercent);
    checkPercent("minHealthPercent", minHealthPercent);
  }

  /** Istio's defaults: eject after 5 consecutive 5xx, for 30s times the ejections, 10% at most. */
  public static OutlierConfig ofDefaults() {
    return new OutlierConfig(
        DEFAULT_CONSECUTIVE_5XX_ERRORS,
        0,
        DEFAULT_CONSECUTIVE_LOCAL_ORIGIN_FAILURES,
        false,
        DEFAULT_INTERVAL,
        DEFAULT_BASE_EJECTION_TIME,
        DEFAULT_MAX_EJECTION_TIME,
        DEFAULT_MAX_EJECTION_PERCENT,
        DEFAULT_MIN_HEALTH_PERCENT);
  }

  /**
   * The settings Istio gives Envoy for {@code spec}: absent fields take the defaults; the
   * deprecated {@code consecutiveErrors} counts gateway errors only and turns the 5xx count off
   * (unless {@code consecutive5xxErrors} is also set), as Istio translates it.
   */
  public static OutlierConfig of(OutlierDetection spec) {
    Objects.requireNonNull(spec, "spec");
    int fiveXx = DEFAULT_CONSECUTIVE_5XX_ERRORS;
    int gateway = 0;
    if (spec.consecutiveErrors() != null && spec.consecutiveErrors() > 0) {
      gateway = spec.consecutiveErrors();
      fiveXx = 0;
    }
    if (spec.consecutive5xxErrors() != null) {
      fiveXx = spec.consecutive5xxErrors();
    }
    if (spec.consecutiveGatewayErrors() != null) {
      gateway = spec.consecutiveGatewayErrors();
    }
    Duration base = orDefault(spec.baseEjectionTime(), DEFAULT_BASE_EJECTION_TIME);
    return new OutlierConfig(
        fiveXx,
        gateway,
        spec.consecutiveLocalOriginFailures() == null
            ? DEFAULT_CONSECUTIVE_LOCAL_ORIGIN_FAILURES
            : spec.consecutiveLocalOriginFailures(),
        Boolean.TRUE.equals(spec.splitExternalLocalOriginErrors()),
        orDefault(spec.interval(), DEFAULT_INTERVAL),
        base,
        base.compareTo(DEFAULT_MAX_EJECTION_TIME) > 0 ? base : DEFAULT_MAX_EJECTION_TIME,
        spec.maxEjectionPercent() == null ? DEFAULT_MAX_EJECTION_PERCENT : spec.maxEjectionPercent(),
        spec.minHealthPercent() == null ? DEFAULT_MIN_HEALTH_PERCENT : spec.minHealthPercent());
  }

  private static Duration orDefault(Duration value, Duration fallback) {
    return value == null ? fallback : value;
  }

  private static void checkNotNegative(String field, int value) {
    if (value < 0) {
      throw new IllegalArgumentException("outlierDetection." + field + ": " + value + " (expected: >= 0)");
    }
  }

  private static void checkPercent(String field, int value) {
    if (value < 0 || value > 100) {
      throw new IllegalArgumentException("outlierDetection." + field + ": " + value + " (expected: 0..100)");
    }
  }

  private static void checkPositive(String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("outlierDetection." + field + ": " + value + " (expected: > 0)");
    }
  }
}
