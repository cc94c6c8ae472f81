package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.Problem;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.security.AuthorizationPolicy;
import dev.meshlet.core.config.security.PeerAuthentication;
import java.util.List;

/** Gives Istio's verdict on one resource of any kind Meshlet reads. */
public final class ResourceValidator {
  private ResourceValidator() {}

  /** Every problem of {@code resource}, errors and warnings, each with its field path. */
  public static List<Problem> validate(Resource<?> resource) {
    Checks checks = new Checks();
    switch (resource.kind()) {
      case PEER_AUTHENTICATION ->
          PeerAuthenticationValidator.INSTANCE.validate(resource.as(PeerAuthentication.class), checks);
      case AUTHORIZATION_POLICY ->
          AuthorizationPolicyValidator.INSTANCE.validate(resource.as(AuthorizationPolicy.class), checks);
      default -> {
        // Each remaining kind's validator arrives with its model.
      }
    }
    return checks.problems();
  }
}
