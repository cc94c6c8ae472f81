package dev.meshlet.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A named port of a {@link MeshService}: {@code @Port(name = "http", number = 9080)}. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface Port {
  /** The port's name ({@code http}, {@code grpc}); Istio infers the protocol from its prefix. */
  String name() default "http";

  /** The port number, 1..65535. */
  int number();
}
