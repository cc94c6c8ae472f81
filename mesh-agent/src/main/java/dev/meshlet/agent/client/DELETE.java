package dev.meshlet.agent.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A declarative client method that sends {@code DELETE} to a path template: {@code @DELETE("/reviews/{id}")}. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface DELETE {
  /** The path, with {@code {name}} placeholders filled from {@link Path} parameters. */
  String value();
}
