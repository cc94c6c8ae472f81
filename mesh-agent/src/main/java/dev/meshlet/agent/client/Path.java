package dev.meshlet.agent.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A path template placeholder's value */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Path {
  /**  {@code @Path("id") int id} fills {@code {id}}, percent-encoded.:The placeholder's name. */
  String value();
}
