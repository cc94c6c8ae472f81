package dev.meshlet.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Circuit breaking as Istio does it: connection pool limits (calls beyond them fail at once
 * with UO) and outlier detection (endpoints that keep failing are ejected for a while). An
 * element left at its default of -1 or "" is not set.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface CircuitBreaker {
  /** Connections to the host at most (Istio's tcp.maxConnections). */
  int maxConnections() default -1;

  /** Requests waiting for a connection at most (http.http1MaxPendingRequests). */
  int maxPendingRequests() default -1;

  /** Requests in flight at most (http.http2MaxRequests). */
  int maxRequests() default -1;

  /** Retries in flight at most (http.maxRetries). */
  int maxRetries() default -1;

  /** Consecutive 5xx answers that eject an endpoint (outlierDetection.consecutive5xxErrors). */
  int consecutive5xxErrors() default -1;

  /** Consecutive 502/503/504 answers that eject an endpoint (consecutiveGatewayErrors). */
  int consecutiveGatewayErrors() default -1;

  /** How often endpoints are assessed ({@code 10s}). */
  String interval() default "";

  /** How long an ejection lasts at first, multiplied by the times ejected ({@code 30s}). */
  String baseEjectionTime() default "";

  /** The share of endpoints that may be ejected at once, 0..100. */
  int maxEjectionPercent() default -1;
}
