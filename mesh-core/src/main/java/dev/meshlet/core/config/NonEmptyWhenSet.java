package dev.meshlet.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a list or map component that a document may leave out but, when it writes it, must give at
 * least one entry: the CRD schema's {@code minItems: 1} / {@code minProperties: 1}. The record
 * itself cannot tell an absent field from an empty one (both bind to an empty collection), so
 * {@link dev.meshlet.core.config.codec.TreeBinder} checks it while it still sees the document.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface NonEmptyWhenSet {}
