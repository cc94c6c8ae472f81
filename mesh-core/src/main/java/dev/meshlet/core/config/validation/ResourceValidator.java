package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.Problem;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.networking.DestinationRule;
import dev.meshlet.core.config.networking.ServiceEntry;
import dev.meshlet.core.config.networking.Sidecar;
import dev.meshlet.core.config.networking.VirtualService;
import dev.meshlet.core.config.networking.WorkloadEntry;
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
      case VIRTUAL_SERVICE -> new VirtualServiceValidator().validate(resource.as(VirtualService.class), checks);
      case DESTINATION_RULE -> new DestinationRuleValidator().validate(resource.as(DestinationRule.class), checks);
      case SERVICE_ENTRY -> new ServiceEntryValidator().validate(resource.as(ServiceEntry.class), checks);
      case WORKLOAD_ENTRY -> new WorkloadEntryValidator().validate(resource.as(WorkloadEntry.class), checks);
      case SIDECAR -> new SidecarValidator().validate(resource.as(Sidecar.class), checks);
      case PEER_AUTHENTICATION ->
          PeerAuthenticationValidator.INSTANCE.validate(resource.as(PeerAuthentication.class), checks);
      case AUTHORIZATION_POLICY ->
          AuthorizationPolicyValidator.INSTANCE.validate(resource.as(AuthorizationPolicy.class), checks);
    }
    return checks.problems();
  }
}
