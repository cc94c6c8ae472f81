package dev.meshlet.core.config.security;

import dev.meshlet.core.config.Copies;
import dev.meshlet.core.config.ObjectMeta;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The spec of Istio's AuthorizationPolicy ({@code security.istio.io} v1, v1beta1): which requests
 * the selected workloads allow, deny or audit. A request matches the policy when it matches at
 * least one rule; an ALLOW policy without rules matches nothing (and so denies everything).
 *
 * @param selector the workloads it applies to; null means every workload of the namespace (or of
 *     the mesh, in the root namespace)
 * @param targetRef a single gateway or service it attaches to instead (ignored by Meshlet)
 * @param targetRefs gateways or services it attaches to instead (ignored by Meshlet)
 * @param rules the rules; a request matching any of them matches the policy
 * @param action what a match does; null means {@link Action#ALLOW}, Istio's default
 * @param provider the extension provider of a CUSTOM policy
 */
public record AuthorizationPolicy(
    @Nullable WorkloadSelector selector,
    @Nullable PolicyTargetReference targetRef,
    List<PolicyTargetReference> targetRefs,
    List<Rule> rules,
    @Nullable Action action,
    @Nullable ExtensionProvider provider) {

  /**
   * Istio's annotation that makes an ALLOW or DENY policy a dry run: evaluated and logged, never
   * enforced. Its value is a boolean as Go's ParseBool reads one.
   */
  public static final String DRY_RUN_ANNOTATION = "istio.io/dry-run";

  private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");

  public AuthorizationPolicy {
    targetRefs = Copies.list(targetRefs);
    rules = Copies.list(rules);
  }

  /** Whether a policy with this metadata is a dry run ({@value #DRY_RUN_ANNOTATION} set to true). */
  public static boolean isDryRun(ObjectMeta metadata) {
    String value = metadata.annotations().get(DRY_RUN_ANNOTATION);
    return value != null && TRUE.contains(value);
  }

  /** Istio's {@code AuthorizationPolicy.Action}. */
  public enum Action {
    /** Allow a request only if it matches a rule (the default). */
    ALLOW,
    /** Deny a request that matches a rule. */
    DENY,
    /** Mark a matching request for audit; it decides nothing. */
    AUDIT,
    /** Delegate to an external authorizer; Meshlet reports it as unsupported. */
    CUSTOM
  }

  /** Istio's {@code AuthorizationPolicy.ExtensionProvider}: a MeshConfig extension provider by name. */
  public record ExtensionProvider(@Nullable String name) {}

  /** The action, with an absent one read as {@link Action#ALLOW} as Istio does. */
  public Action actionOrDefault() {
    return action == null ? Action.ALLOW : action;
  }

  /**
   * Whether the policy applies to workloads (by selector, namespace or root namespace). A policy
   * with a {@code targetRef} or {@code targetRefs} attaches to a gateway or service instead, which
   * Meshlet does not have in process, so the data plane must leave it out rather than apply it
   * namespace-wide.
   */
  public boolean attachesToWorkloads() {
    return targetRef == null && targetRefs.isEmpty();
  }
}
