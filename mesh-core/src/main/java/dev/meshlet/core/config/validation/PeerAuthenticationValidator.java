package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.security.PeerAuthentication;

/**
 * Istio's verdict on a PeerAuthentication: its webhook's ValidatePeerAuthentication and its CRD's
 * rules (port-level mTLS needs a selector with labels, ports 1..65535, a selector without
 * wildcards or empty keys).
 */
public final class PeerAuthenticationValidator implements SpecValidator<PeerAuthentication> {
  public static final PeerAuthenticationValidator INSTANCE = new PeerAuthenticationValidator();

  private PeerAuthenticationValidator() {}

  @Override
  public void validate(Resource<PeerAuthentication> resource, Checks checks) {
    PeerAuthentication spec = resource.spec();
    SecurityChecks.dryRun(resource.metadata().annotations(), null, checks);
    SecurityChecks.selector("spec.selector", spec.selector(), checks);

    boolean noLabels = spec.selector() == null || spec.selector().matchLabels().isEmpty();
    if (noLabels && !spec.portLevelMtls().isEmpty()) {
      checks.error("spec.portLevelMtls", "portLevelMtls requires a selector with labels"
          + " (a mesh-wide or namespace-wide peer authentication cannot have port level mTLS)");
    }
    spec.portLevelMtls().keySet().forEach(port -> {
      if (port < 1 || port > 65535) {
        checks.error("spec.portLevelMtls[" + port + "]", "port " + port + " must be in range 1..65535");
      }
    });
  }
}
