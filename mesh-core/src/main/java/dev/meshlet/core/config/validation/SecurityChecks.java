package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.security.AuthorizationPolicy;
import dev.meshlet.core.config.security.PolicyTargetReference;
import dev.meshlet.core.config.security.WorkloadSelector;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Checks the two security kinds share: selectors, target references, the dry-run annotation. */
final class SecurityChecks {
  private static final String DRY_RUN_ANNOTATION = AuthorizationPolicy.DRY_RUN_ANNOTATION;

  private static final int MAX_SELECTOR_LABELS = 4096;
  private static final int MAX_LABEL_VALUE = 63;
  private static final com.google.re2j.Pattern GROUP =
      com.google.re2j.Pattern.compile("^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final com.google.re2j.Pattern KIND = com.google.re2j.Pattern.compile("^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$");
  /** The group/kind pairs Istio's webhook lets a policy target (version is not checked). */
  private static final Set<String> ALLOWED_TARGETS = Set.of(
      "core/Service",
      "networking.istio.io/ServiceEntry",
      "gateway.networking.k8s.io/Gateway",
      "gateway.networking.k8s.io/GatewayClass");
  private static final Set<String> GO_BOOLS =
      Set.of("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False");

  private SecurityChecks() {}

  /** Istio's validateWorkloadSelector and the CRD's matchLabels rules. */
  static void selector(String path, @Nullable WorkloadSelector selector, Checks checks) {
    if (selector == null) {
      return;
    }
    Map<String, String> labels = selector.matchLabels();
    if (labels.isEmpty()) {
      checks.warn(path, "workload selector specified without labels (the policy applies to every workload in scope)");
      return;
    }
    if (labels.size() > MAX_SELECTOR_LABELS) {
      checks.error(path + ".matchLabels", labels.size() + " labels (expected at most " + MAX_SELECTOR_LABELS + ")");
    }
    labels.forEach((k, v) -> {
      String at = path + ".matchLabels[" + k + "]";
      if (k.isEmpty()) {
        checks.error(at, "empty key is not supported in selector");
      }
      if (k.contains("*") || v.contains("*")) {
        checks.error(at, "wildcard is not supported in selector: \"" + k + "=" + v + "\"");
      }
      if (v.length() > MAX_LABEL_VALUE) {
        checks.error(at, "label value is " + v.length() + " characters long (expected at most " + MAX_LABEL_VALUE + ")");
      }
    });
  }

  /** Istio's validatePolicyTargetReference and the CRD's PolicyTargetReference schema. */
  static void targetRef(String path, PolicyTargetReference ref, Checks checks) {
    String group = ref.group() == null ? "" : ref.group();
    if (group.length() > 253 || !GROUP.matches(group)) {
      checks.error(path + ".group", "\"" + group + "\" is not a valid API group (a DNS subdomain, or empty for core)");
    }
    if (ref.kind() == null || ref.kind().isEmpty()) {
      checks.error(path + ".kind", "missing (expected e.g. Gateway)");
    } else if (ref.kind().length() > 63 || !KIND.matches(ref.kind())) {
      checks.error(path + ".kind", "\"" + ref.kind() + "\" is not a valid kind");
    } else if (!ALLOWED_TARGETS.contains((group.isEmpty() ? "core" : group) + "/" + ref.kind())) {
      checks.error(path, "targetRef must be to one of Service, ServiceEntry (networking.istio.io), Gateway or GatewayClass"
          + " (gateway.networking.k8s.io) but was " + group + "/" + ref.kind());
    }
    if (ref.name() == null || ref.name().isEmpty()) {
      checks.error(path + ".name", "targetRef name must be set");
    } else if (ref.name().length() > 253) {
      checks.error(path + ".name", "name is " + ref.name().length() + " characters long (expected at most 253)");
    }
    if (ref.namespace() != null && !ref.namespace().isEmpty()) {
      checks.error(path + ".namespace", "targetRef namespace must not be set; cross namespace referencing is not supported");
    }
  }

  /** Istio's rule that at most one of selector, targetRef and targetRefs is set. */
  static void oneOfSelectorOrTargets(
      @Nullable WorkloadSelector selector, @Nullable PolicyTargetReference targetRef,
      List<PolicyTargetReference> targetRefs, Checks checks) {
    int set = (selector != null ? 1 : 0) + (targetRef != null ? 1 : 0) + (targetRefs.isEmpty() ? 0 : 1);
    if (set > 1) {
      checks.error("spec", "only one of selector, targetRef or targetRefs can be set");
    }
  }

  /**
   * Istio's checkDryRunAnnotation: only an AuthorizationPolicy with action ALLOW or DENY may carry
   * {@code istio.io/dry-run}, and its value must be a boolean as Go's ParseBool reads one.
   * {@code action} is null for kinds that do not support the annotation.
   */
  static void dryRun(Map<String, String> annotations, @Nullable String action, Checks checks) {
    String value = annotations.get(DRY_RUN_ANNOTATION);
    if (value == null) {
      return;
    }
    String at = "metadata.annotations[" + DRY_RUN_ANNOTATION + "]";
    if (action == null) {
      checks.error(at, "unsupported annotation " + DRY_RUN_ANNOTATION + " (only an AuthorizationPolicy takes it), please remove the annotation");
    } else if (!action.equals("ALLOW") && !action.equals("DENY")) {
      checks.error(at, "the annotation " + DRY_RUN_ANNOTATION + " currently only supports action ALLOW or DENY, found action " + action);
    } else if (!GO_BOOLS.contains(value)) {
      checks.error(at, "invalid value \"" + value + "\" (expected true or false)");
    }
  }

  /** {@code *} other than as the first or last character: Istio then matches the value literally. */
  static void wildcardInMiddle(String path, String value, Checks checks) {
    if (value.length() > 2 && value.substring(1, value.length() - 1).contains("*")) {
      checks.warn(path, "\"" + value + "\" has '*' in the middle, which is matched literally"
          + " (Istio's wildcards are only prefix*, *suffix and *)");
    }
  }
}
