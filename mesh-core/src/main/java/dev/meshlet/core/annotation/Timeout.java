package dev.meshlet.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The timeout of a whole call, retries included: Istio's HTTPRoute timeout ({@code "2s"}). */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface Timeout {
  /** A duration as Istio writes it: {@code 1.5s}, {@code 500ms}. */
  String value();
}
