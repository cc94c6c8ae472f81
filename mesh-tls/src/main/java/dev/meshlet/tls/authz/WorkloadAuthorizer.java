package dev.meshlet.tls.authz;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.security.AuthorizationPolicy;
import dev.meshlet.core.config.security.AuthorizationPolicy.Action;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The AuthorizationPolicies of one workload, compiled once per snapshot into matchers and
 * evaluated per request in Istio's order:
 *
 * <ol>
 *   <li>(CUSTOM is refused when the config is loaded and never reaches here.)
 *   <li>A matching DENY policy denies.
 *   <li>With no ALLOW policy for the workload, the request is allowed.
 *   <li>A matching ALLOW policy allows.
 *   <li>Otherwise the request is denied. An ALLOW policy without rules matches nothing, so on its
 *       own it denies everything.
 * </ol>
 *
 * <p>AUDIT policies only mark the decision ({@link AuthorizationDecision#auditedBy()}). Policies
 * annotated {@code istio.io/dry-run: "true"} are evaluated as a shadow set, as Envoy's shadow
 * rules: never enforced, their would-be denial reported in {@link AuthorizationDecision#dryRun()}.
 * Policies attached by {@code targetRef(s)} are left out: they attach to gateways or services.
 *
 * <p>Evaluation does no parsing, no regex and no map building; with neither AUDIT nor dry-run
 * policies it allocates nothing (decisions are built at compile time). Immutable and thread-safe.
 */
public final class WorkloadAuthorizer {

  private static final WorkloadAuthorizer NONE = new WorkloadAuthorizer(List.of());

  private final CompiledPolicy[] deny;
  private final CompiledPolicy[] allow;
  private final CompiledPolicy[] audit;
  private final CompiledPolicy[] dryRunDeny;
  private final CompiledPolicy[] dryRunAllow;
  private final AuthorizationDecision noAllowMatched;
  private final AuthorizationDecision noAllowPolicy;
  private final List<String> policies;

  private WorkloadAuthorizer(List<Resource<AuthorizationPolicy>> resources) {
    List<CompiledPolicy> deny = new ArrayList<>();
    List<CompiledPolicy> allow = new ArrayList<>();
    List<CompiledPolicy> audit = new ArrayList<>();
    List<CompiledPolicy> dryDeny = new ArrayList<>();
    List<CompiledPolicy> dryAllow = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Resource<AuthorizationPolicy> r : resources) {
      AuthorizationPolicy spec = r.spec();
      if (!spec.attachesToWorkloads()) {
        continue;
      }
      Action action = spec.actionOrDefault();
      String name = r.namespace() + "/" + r.name();
      if (action == Action.CUSTOM) {
        throw new IllegalArgumentException("AuthorizationPolicy " + name
            + ": spec.action: CUSTOM action is not supported by Meshlet (it delegates to an external authorizer)");
      }
      names.add(name);
      CompiledPolicy p = CompiledPolicy.compile(r, name, action);
      boolean dryRun = AuthorizationPolicy.isDryRun(r.metadata()) && action != Action.AUDIT;
      switch (action) {
        case DENY -> (dryRun ? dryDeny : deny).add(p);
        case ALLOW -> (dryRun ? dryAllow : allow).add(p);
        case AUDIT -> audit.add(p);
        case CUSTOM -> throw new AssertionError();
      }
    }
    this.deny = deny.toArray(new CompiledPolicy[0]);
    this.allow = allow.toArray(new CompiledPolicy[0]);
    this.audit = audit.toArray(new CompiledPolicy[0]);
    this.dryRunDeny = dryDeny.toArray(new CompiledPolicy[0]);
    this.dryRunAllow = dryAllow.toArray(new CompiledPolicy[0]);
    this.policies = List.copyOf(names);
    this.noAllowPolicy = deny.isEmpty() ? AuthorizationDecision.NO_POLICY : new AuthorizationDecision(true, null, -1,
        "no DENY policy matched and no ALLOW policy applies", null, null);
    List<String> allowNames = allow.stream().map(CompiledPolicy::name).toList();
    this.noAllowMatched = new AuthorizationDecision(false, null, -1,
        "no ALLOW policy matched (ALLOW policies: " + String.join(", ", allowNames) + ")", null, null);
  }

  /** A workload without policies: everything is allowed. */
  public static WorkloadAuthorizer none() {
    return NONE;
  }

  /**
   * Compiles the policies that apply to the workload with {@code labels} in {@code namespace}:
   * those of its namespace and of the root namespace whose selector is absent or matches.
   *
   * @throws IllegalArgumentException when a policy uses what Meshlet cannot enforce (CUSTOM, JWT
   *     attributes) or holds a value validation should have refused; the message names the policy
   *     and the field
   */
  public static WorkloadAuthorizer compile(ConfigSnapshot snapshot, String namespace, Map<String, String> labels) {
    return compile(snapshot.authorizationPolicies(namespace, labels));
  }

  /** Compiles exactly {@code policies} (already selected for one workload). */
  public static WorkloadAuthorizer compile(List<Resource<AuthorizationPolicy>> policies) {
    Objects.requireNonNull(policies, "policies");
    return policies.isEmpty() ? NONE : new WorkloadAuthorizer(policies);
  }

  /** The {@code namespace/name} of every policy that takes part, in evaluation order. */
  public List<String> policies() {
    return policies;
  }

  /** Whether no policy applies, so every request is allowed without looking at it. */
  public boolean isEmpty() {
    return policies.isEmpty();
  }

  public AuthorizationDecision evaluate(RequestAttributes request) {
    AuthorizationDecision decision = enforced(request);
    if (audit.length == 0 && dryRunDeny.length == 0 && dryRunAllow.length == 0) {
      return decision;
    }
    String auditedBy = null;
    for (CompiledPolicy p : audit) {
      if (p.matchingRule(request) >= 0) {
        auditedBy = p.name();
        break;
      }
    }
    return decision.with(auditedBy, dryRun(request));
  }

  private AuthorizationDecision enforced(RequestAttributes request) {
    for (CompiledPolicy p : deny) {
      int rule = p.matchingRule(request);
      if (rule >= 0) {
        return p.decision(rule);
      }
    }
    if (allow.length == 0) {
      return noAllowPolicy;
    }
    for (CompiledPolicy p : allow) {
      int rule = p.matchingRule(request);
      if (rule >= 0) {
        return p.decision(rule);
      }
    }
    return noAllowMatched;
  }

  /** Envoy's shadow engine: the dry-run policies as if they were the only ones. */
  private @Nullable String dryRun(RequestAttributes request) {
    for (CompiledPolicy p : dryRunDeny) {
      int rule = p.matchingRule(request);
      if (rule >= 0) {
        return "dry-run DENY policy " + p.name() + " would deny (rule " + rule + ")";
      }
    }
    if (dryRunAllow.length == 0) {
      return null;
    }
    for (CompiledPolicy p : dryRunAllow) {
      if (p.matchingRule(request) >= 0) {
        return null;
      }
    }
    return "dry-run ALLOW policies would deny: none matched";
  }

  @Override
  public String toString() {
    return "WorkloadAuthorizer" + policies;
  }

  /** One policy's rules as matchers, with the decision of each rule made in advance. */
  private static final class CompiledPolicy {
    private final String name;
    private final RequestMatcher[] rules;
    private final AuthorizationDecision[] decisions;

    private CompiledPolicy(String name, RequestMatcher[] rules, AuthorizationDecision[] decisions) {
      this.name = name;
      this.rules = rules;
      this.decisions = decisions;
    }

    static CompiledPolicy compile(Resource<AuthorizationPolicy> r, String name, Action action) {
      PolicyCompiler compiler = new PolicyCompiler(r.namespace());
      int n = r.spec().rules().size();
      RequestMatcher[] rules = new RequestMatcher[n];
      AuthorizationDecision[] decisions = new AuthorizationDecision[n];
      for (int i = 0; i < n; i++) {
        rules[i] = compiler.rule(r.spec().rules().get(i), "AuthorizationPolicy " + name + ": spec.rules[" + i + "]");
        decisions[i] = switch (action) {
          case DENY -> new AuthorizationDecision(false, name, i,
              "denied by DENY policy " + name + " (rule " + i + ")", null, null);
          case ALLOW -> new AuthorizationDecision(true, name, i,
              "allowed by ALLOW policy " + name + " (rule " + i + ")", null, null);
          default -> null;
        };
      }
      return new CompiledPolicy(name, rules, decisions);
    }

    String name() {
      return name;
    }

    /** The index of the first rule the request matches, or -1 (always -1 without rules). */
    int matchingRule(RequestAttributes request) {
      for (int i = 0; i < rules.length; i++) {
        if (rules[i].matches(request)) {
          return i;
        }
      }
      return -1;
    }

    AuthorizationDecision decision(int rule) {
      return decisions[rule];
    }
  }
}
