package dev.meshlet.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names fields that a record's document may carry and that are dropped without a word: they are
 * known and meaningless here (server-set metadata), unlike unknown fields, which are errors.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface IgnoredFields {
  String[] value();
}
