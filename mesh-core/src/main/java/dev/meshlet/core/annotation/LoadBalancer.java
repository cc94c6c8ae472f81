package dev.meshlet.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How calls to the host spread over its endpoints: one of Istio's simple policies, or a
 * consistent hash on a header, a cookie, a query parameter or the source IP.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface LoadBalancer {
  /** Istio's simple policies. */
  enum Policy {
    LEAST_REQUEST,
    ROUND_ROBIN,
    RANDOM,
    PASSTHROUGH
  }

  /** The simple policy, used when no hash element is set. */
  Policy value() default Policy.LEAST_REQUEST;

  /** Hash on this request header (consistentHash.httpHeaderName). */
  String hashHeader() default "";

  /** Hash on this cookie, set when absent (consistentHash.httpCookie.name). */
  String hashCookie() default "";

  /** The hash cookie's lifetime ({@code 1h}); required with {@link #hashCookie()}. */
  String hashCookieTtl() default "";

  /** Hash on this query parameter (consistentHash.httpQueryParameterName). */
  String hashQueryParameter() default "";

  /** Hash on the caller's IP (consistentHash.useSourceIp). */
  boolean hashSourceIp() default false;
}
