package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.Problem;
import dev.meshlet.core.config.Resource;
import java.util.List;

/** Gives Istio's verdict on one resource of any kind Meshlet reads. */
public final class ResourceValidator {
  private ResourceValidator() {}

  /** Every problem of {@code resource}, errors and warnings, each with its field path. */
  public static List<Problem> validate(Resource<?> resource) {
    Checks checks = new Checks();
    // Each kind's validator arrives with its model; until then the binder's checks stand alone.
    return checks.problems();
  }
}
