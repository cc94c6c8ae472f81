package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.Resource;

/** Istio's validation for one kind's spec. */
@FunctionalInterface
public interface SpecValidator<S> {
  /** Adds to {@code checks} every problem of {@code resource}, each at its field path. */
  void validate(Resource<S> resource, Checks checks);
}
