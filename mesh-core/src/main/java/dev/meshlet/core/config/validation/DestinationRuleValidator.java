package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.networking.DestinationRule;
import dev.meshlet.core.config.networking.Subset;
import java.util.HashSet;
import java.util.Set;

/**
 * Istio's ValidateDestinationRule: the host, the traffic policy at every level (rule, subset,
 * port), subset names and labels, exportTo and the workload selector.
 */
public final class DestinationRuleValidator implements SpecValidator<DestinationRule> {
  @Override
  public void validate(Resource<DestinationRule> resource, Checks c) {
    DestinationRule dr = resource.spec();
    if (dr.host() == null) {
      c.error("spec.host", "host is required");
    } else {
      String err = HostChecks.wildcardDomain(dr.host());
      if (err != null) {
        c.error("spec.host", err);
      }
    }
    PolicyChecks.trafficPolicy(c, "spec.trafficPolicy", dr.trafficPolicy());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < dr.subsets().size(); i++) {
      Subset s = dr.subsets().get(i);
      String at = "spec.subsets[" + i + "]";
      String name = s.name() == null ? "" : s.name();
      if (!names.add(name)) {
        c.error(at + ".name", "duplicate subset names: " + name);
      }
      if (name.isEmpty()) {
        c.error(at + ".name", "subset name cannot be empty");
      } else if (!HostChecks.isDnsLabel(name)) {
        c.error(at + ".name", "subset name is invalid: " + name + " (expected a DNS-1123 label)");
      }
      NetChecks.labels(c, at + ".labels", s.labels());
      PolicyChecks.trafficPolicy(c, at + ".trafficPolicy", s.trafficPolicy());
    }
    NetChecks.exportTo(c, "spec.exportTo", resource.namespace(), dr.exportTo(), false, dr.workloadSelector() != null);
    if (dr.workloadSelector() != null) {
      // Istio's validateWorkloadSelector for an istio.type.v1beta1.WorkloadSelector.
      NetChecks.selectorLabels(c, "spec.workloadSelector.matchLabels", dr.workloadSelector().matchLabels());
      if (dr.workloadSelector().matchLabels().isEmpty()) {
        c.warn("spec.workloadSelector", "workload selector specified without labels");
      }
    }
  }
}
