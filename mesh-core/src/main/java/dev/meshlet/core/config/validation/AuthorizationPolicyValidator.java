package dev.meshlet.core.config.validation;

import com.google.re2j.Pattern;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.security.AuthorizationPolicy;
import dev.meshlet.core.config.security.AuthorizationPolicy.Action;
import dev.meshlet.core.config.security.Condition;
import dev.meshlet.core.config.security.Operation;
import dev.meshlet.core.config.security.PolicyTargetReference;
import dev.meshlet.core.config.security.Rule;
import dev.meshlet.core.config.security.Source;
import java.util.List;
import java.util.Set;

/**
 * Istio's verdict on an AuthorizationPolicy (its webhook's ValidateAuthorizationPolicy, the
 * attribute rules of {@code when} keys, and the CRD's rules), plus what Meshlet cannot enforce in
 * process: CUSTOM actions and anything that needs JWT authentication are errors, so that a policy
 * is never enforced more loosely than written; gateway attachment ({@code targetRef}) is a warning.
 */
public final class AuthorizationPolicyValidator implements SpecValidator<AuthorizationPolicy> {
  public static final AuthorizationPolicyValidator INSTANCE = new AuthorizationPolicyValidator();

  /** What Meshlet says of anything that needs a JWT (request principals, {@code request.auth.*}). */
  public static final String JWT_NOT_SUPPORTED = "JWT authentication is not supported yet";
  /** What Meshlet says of the CUSTOM action. */
  public static final String CUSTOM_NOT_SUPPORTED = "CUSTOM action is not supported by Meshlet";

  private static final String TARGET_IGNORED = "ignored by Meshlet: a policy attached to a gateway or service"
      + " has no in-process equivalent, so it is not enforced on any workload";
  private static final int MAX_RULES = 512;
  private static final int MAX_FROM = 512;
  private static final int MAX_TARGET_REFS = 16;
  private static final int MAX_SERVICE_ACCOUNTS = 16;
  private static final int MAX_SERVICE_ACCOUNT_LENGTH = 320;
  private static final String HEADERS = "request.headers";
  private static final String CLAIMS = "request.auth.claims";
  private static final String EXPERIMENTAL = "experimental.envoy.filters.";
  private static final Set<String> IP_KEYS = Set.of("source.ip", "remote.ip", "destination.ip");
  private static final Set<String> PLAIN_KEYS =
      Set.of("source.namespace", "source.principal", "source.serviceAccount", "connection.sni");
  private static final Set<String> JWT_KEYS =
      Set.of("request.auth.principal", "request.auth.audiences", "request.auth.presenter");
  /** Istio's unsupported path templates: named variables, {@code {}}, and bare {@code *}/{@code **} segments. */
  private static final Pattern BAD_PATH_TEMPLATE =
      Pattern.compile("/\\{\\w+=\\*\\*?\\}|\\{\\w*\\}|/\\*\\*?|\\*\\*?/");

  private AuthorizationPolicyValidator() {}

  @Override
  public void validate(Resource<AuthorizationPolicy> resource, Checks checks) {
    AuthorizationPolicy spec = resource.spec();
    Action action = spec.actionOrDefault();
    SecurityChecks.dryRun(resource.metadata().annotations(), action.name(), checks);
    SecurityChecks.oneOfSelectorOrTargets(spec.selector(), spec.targetRef(), spec.targetRefs(), checks);
    SecurityChecks.selector("spec.selector", spec.selector(), checks);
    if (spec.targetRef() != null) {
      SecurityChecks.targetRef("spec.targetRef", spec.targetRef(), checks);
      checks.warn("spec.targetRef", TARGET_IGNORED);
    }
    List<PolicyTargetReference> refs = spec.targetRefs();
    if (refs.size() > MAX_TARGET_REFS) {
      checks.error("spec.targetRefs", refs.size() + " target references (expected at most " + MAX_TARGET_REFS + ")");
    }
    for (int i = 0; i < refs.size(); i++) {
      SecurityChecks.targetRef("spec.targetRefs[" + i + "]", refs.get(i), checks);
    }
    if (!refs.isEmpty()) {
      checks.warn("spec.targetRefs", TARGET_IGNORED);
    }

    if (action == Action.CUSTOM) {
      checks.error("spec.action", CUSTOM_NOT_SUPPORTED + " (it delegates to an external authorizer; use ALLOW or DENY)");
      customRules(spec, checks);
    }
    if (spec.provider() != null && action != Action.CUSTOM) {
      checks.error("spec.provider", "provider must not be set with non-CUSTOM action, found " + action);
    }
    if (action == Action.DENY && spec.rules().isEmpty()) {
      checks.error("spec.rules", "DENY action without rules is meaningless as it will never be triggered,"
          + " add an empty rule {} if you want it to be triggered for every request");
    }
    if (spec.rules().size() > MAX_RULES) {
      checks.error("spec.rules", spec.rules().size() + " rules (expected at most " + MAX_RULES + ")");
    }
    for (int i = 0; i < spec.rules().size(); i++) {
      rule("spec.rules[" + i + "]", spec.rules().get(i), checks);
    }
  }

  /** Istio's extra rules for CUSTOM, reported alongside Meshlet's refusal so the whole verdict shows. */
  private static void customRules(AuthorizationPolicy spec, Checks checks) {
    if (spec.rules().isEmpty()) {
      checks.error("spec.rules", "CUSTOM action without rules is meaningless as it will never be triggered,"
          + " add an empty rule {} if you want it to be triggered for every request");
    } else if (spec.provider() == null || spec.provider().name() == null || spec.provider().name().isEmpty()) {
      checks.error("spec.provider.name", "must not be empty with action CUSTOM");
    }
    for (int i = 0; i < spec.rules().size(); i++) {
      String at = "spec.rules[" + i + "]";
      Rule rule = spec.rules().get(i);
      for (int j = 0; j < rule.from().size(); j++) {
        Source src = rule.from().get(j).source();
        if (src == null) {
          continue;
        }
        String s = at + ".from[" + j + "].source.";
        notWithCustom(s + "namespaces", src.namespaces(), checks);
        notWithCustom(s + "notNamespaces", src.notNamespaces(), checks);
        notWithCustom(s + "serviceAccounts", src.serviceAccounts(), checks);
        notWithCustom(s + "notServiceAccounts", src.notServiceAccounts(), checks);
        notWithCustom(s + "principals", src.principals(), checks);
        notWithCustom(s + "notPrincipals", src.notPrincipals(), checks);
        notWithCustom(s + "requestPrincipals", src.requestPrincipals(), checks);
        notWithCustom(s + "notRequestPrincipals", src.notRequestPrincipals(), checks);
      }
      for (int k = 0; k < rule.when().size(); k++) {
        String key = rule.when().get(k).key();
        if (key != null && (key.equals("source.namespace") || key.equals("source.serviceAccount")
            || key.equals("source.principal") || key.startsWith("request.auth."))) {
          checks.error(at + ".when[" + k + "].key", key + " is currently not supported with CUSTOM action");
        }
      }
    }
  }

  private static void notWithCustom(String path, List<String> values, Checks checks) {
    if (!values.isEmpty()) {
      checks.error(path, "is currently not supported with CUSTOM action");
    }
  }

  private static void rule(String path, Rule rule, Checks checks) {
    if (rule.from().size() > MAX_FROM) {
      checks.error(path + ".from", rule.from().size() + " sources (expected at most " + MAX_FROM + ")");
    }
    for (int j = 0; j < rule.from().size(); j++) {
      String at = path + ".from[" + j + "].source";
      Source source = rule.from().get(j).source();
      if (source == null) {
        checks.error(at, "must be set (each from entry names a source)");
      } else {
        source(at, source, checks);
      }
    }
    for (int j = 0; j < rule.to().size(); j++) {
      String at = path + ".to[" + j + "].operation";
      Operation operation = rule.to().get(j).operation();
      if (operation == null) {
        checks.error(at, "must be set (each to entry names an operation)");
      } else {
        operation(at, operation, checks);
      }
    }
    for (int k = 0; k < rule.when().size(); k++) {
      condition(path + ".when[" + k + "]", rule.when().get(k), checks);
    }
  }

  private static void source(String path, Source src, Checks checks) {
    if (src.isEmpty()) {
      checks.error(path, "must not be empty (set at least one of principals, namespaces, serviceAccounts, ipBlocks, ...)");
      return;
    }
    boolean accounts = !src.serviceAccounts().isEmpty() || !src.notServiceAccounts().isEmpty();
    boolean identities = !src.principals().isEmpty() || !src.notPrincipals().isEmpty()
        || !src.namespaces().isEmpty() || !src.notNamespaces().isEmpty();
    if (accounts && identities) {
      checks.error(path, "cannot set serviceAccounts with namespaces or principals"
          + " (use separate from entries to allow either)");
    }
    strings(path + ".principals", src.principals(), checks);
    strings(path + ".notPrincipals", src.notPrincipals(), checks);
    jwt(path + ".requestPrincipals", src.requestPrincipals(), checks);
    jwt(path + ".notRequestPrincipals", src.notRequestPrincipals(), checks);
    strings(path + ".namespaces", src.namespaces(), checks);
    strings(path + ".notNamespaces", src.notNamespaces(), checks);
    serviceAccounts(path + ".serviceAccounts", src.serviceAccounts(), checks);
    serviceAccounts(path + ".notServiceAccounts", src.notServiceAccounts(), checks);
    ips(path + ".ipBlocks", src.ipBlocks(), checks);
    ips(path + ".notIpBlocks", src.notIpBlocks(), checks);
    ips(path + ".remoteIpBlocks", src.remoteIpBlocks(), checks);
    ips(path + ".notRemoteIpBlocks", src.notRemoteIpBlocks(), checks);
  }

  private static void operation(String path, Operation op, Checks checks) {
    if (op.isEmpty()) {
      checks.error(path, "must not be empty (set at least one of hosts, ports, methods, paths or their not forms)");
      return;
    }
    strings(path + ".hosts", op.hosts(), checks);
    strings(path + ".notHosts", op.notHosts(), checks);
    ports(path + ".ports", op.ports(), checks);
    ports(path + ".notPorts", op.notPorts(), checks);
    strings(path + ".methods", op.methods(), checks);
    strings(path + ".notMethods", op.notMethods(), checks);
    paths(path + ".paths", op.paths(), checks);
    paths(path + ".notPaths", op.notPaths(), checks);
  }

  private static void condition(String path, Condition c, Checks checks) {
    String key = c.key();
    if (key == null || key.isEmpty()) {
      checks.error(path + ".key", "must not be empty (an Istio attribute such as source.ip or request.headers[name])");
      return;
    }
    if (c.values().isEmpty() && c.notValues().isEmpty()) {
      checks.error(path, "at least one of values or notValues must be set for key " + key);
      return;
    }
    String keyPath = path + ".key";
    Attribute attribute = attribute(key, keyPath, checks);
    attributeValues(path + ".values", attribute, c.values(), checks);
    attributeValues(path + ".notValues", attribute, c.notValues(), checks);
  }

  /** How a condition's values are checked, by the kind of attribute its key names. */
  private enum Attribute { STRING, IP, PORT, INVALID }

  /** Istio's ValidateAttribute for the key, and Meshlet's own refusals. */
  private static Attribute attribute(String key, String path, Checks checks) {
    if (key.startsWith(HEADERS)) {
      return mapKey(key, path, checks) ? Attribute.STRING : Attribute.INVALID;
    }
    if (IP_KEYS.contains(key)) {
      return Attribute.IP;
    }
    if (key.equals("destination.port")) {
      return Attribute.PORT;
    }
    if (PLAIN_KEYS.contains(key)) {
      return Attribute.STRING;
    }
    if (JWT_KEYS.contains(key)) {
      checks.error(path, JWT_NOT_SUPPORTED + " (" + key + " is read from the request's JWT)");
      return Attribute.INVALID;
    }
    if (key.startsWith(CLAIMS)) {
      if (mapKey(key, path, checks)) {
        checks.error(path, JWT_NOT_SUPPORTED + " (" + key + " is read from the request's JWT)");
      }
      return Attribute.INVALID;
    }
    if (key.startsWith(EXPERIMENTAL)) {
      if (mapKey(key, path, checks)) {
        checks.error(path, key + " is not supported by Meshlet (Envoy filter metadata does not exist in process)");
      }
      return Attribute.INVALID;
    }
    if (key.equals("destination.namespace")) {
      checks.error(path, "attribute " + key + " is replaced by the metadata.namespace");
    } else if (key.startsWith("destination.labels")) {
      checks.error(path, "attribute " + key + " is replaced by the workload selector");
    } else if (key.equals("destination.name") || key.equals("destination.user")) {
      checks.error(path, "deprecated attribute " + key + ": only supported in v1alpha1");
    } else {
      checks.error(path, "unknown attribute: " + key);
    }
    return Attribute.INVALID;
  }

  /** Istio's validateMapKey: {@code name[key]} with something between the brackets. */
  private static boolean mapKey(String key, String path, Checks checks) {
    int open = key.indexOf('[');
    if (key.endsWith("]") && open > 0 && open < key.length() - 2) {
      return true;
    }
    checks.error(path, "bad key (" + key + "): should have format a[b]");
    return false;
  }

  private static void attributeValues(String path, Attribute attribute, List<String> values, Checks checks) {
    switch (attribute) {
      case IP -> ips(path, values, checks);
      case PORT -> ports(path, values, checks);
      case STRING -> strings(path, values, checks);
      case INVALID -> nonEmpty(path, values, checks);
    }
  }

  /** Istio's CheckEmptyValues: no value may be the empty string. Returns whether all were non-empty. */
  private static boolean nonEmpty(String path, List<String> values, Checks checks) {
    boolean ok = true;
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i).isEmpty()) {
        checks.error(path + "[" + i + "]", "empty value not allowed");
        ok = false;
      }
    }
    return ok;
  }

  private static void strings(String path, List<String> values, Checks checks) {
    nonEmpty(path, values, checks);
    for (int i = 0; i < values.size(); i++) {
      SecurityChecks.wildcardInMiddle(path + "[" + i + "]", values.get(i), checks);
    }
  }

  private static void jwt(String path, List<String> values, Checks checks) {
    nonEmpty(path, values, checks);
    if (!values.isEmpty()) {
      checks.error(path, JWT_NOT_SUPPORTED + " (request principals are the identities of the request's JWT)");
    }
  }

  private static void serviceAccounts(String path, List<String> values, Checks checks) {
    nonEmpty(path, values, checks);
    if (values.size() > MAX_SERVICE_ACCOUNTS) {
      checks.error(path, values.size() + " service accounts (expected at most " + MAX_SERVICE_ACCOUNTS + ")");
    }
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (v.length() > MAX_SERVICE_ACCOUNT_LENGTH) {
        checks.error(path + "[" + i + "]", "service account is " + v.length()
            + " characters long (expected at most " + MAX_SERVICE_ACCOUNT_LENGTH + ")");
      }
      if (v.contains("*")) {
        checks.error(path + "[" + i + "]", "\"" + v + "\": wildcards are not supported in serviceAccounts"
            + " (expected namespace/name or name)");
      }
    }
  }

  /** Istio's ValidateIPs: each value a single address or a CIDR range. */
  private static void ips(String path, List<String> values, Checks checks) {
    nonEmpty(path, values, checks);
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (v.isEmpty() || IpLiterals.isAddressOrCidr(v)) {
        continue;
      }
      checks.error(path + "[" + i + "]", v.indexOf('/') >= 0
          ? "bad CIDR range (" + v + ") (expected e.g. 10.0.0.0/16 or 2001:db8::/32)"
          : "bad IP address (" + v + ") (expected e.g. 10.1.2.3 or 2001:db8::1)");
    }
  }

  /** Istio's ValidatePorts: decimal digits, at most 65535 (Istio lets 0 through; it never matches). */
  private static void ports(String path, List<String> values, Checks checks) {
    nonEmpty(path, values, checks);
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (v.isEmpty()) {
        continue;
      }
      String at = path + "[" + i + "]";
      long port = parsePort(v);
      if (port < 0 || port > 65535) {
        checks.error(at, "bad port (" + v + "): expected a port number 1..65535");
      } else if (port == 0) {
        checks.warn(at, "port 0 never matches a request");
      }
    }
  }

  /** The value of a string of ASCII digits (capped), or -1 when it is not one. */
  private static long parsePort(String v) {
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = Math.min(n * 10 + (c - '0'), 1_000_000);
    }
    return n;
  }

  /** Istio's CheckValidPathTemplate, and the literal-'*' warning for plain paths. */
  private static void paths(String path, List<String> values, Checks checks) {
    nonEmpty(path, values, checks);
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      String at = path + "[" + i + "]";
      if (v.contains("{*}") || v.contains("{**}")) {
        if (BAD_PATH_TEMPLATE.matcher(v).find()) {
          checks.error(at, "invalid or unsupported path template \"" + v
              + "\" (only {*} and {**} segments are supported, without named variables or bare * segments)");
        }
      } else {
        SecurityChecks.wildcardInMiddle(at, v, checks);
      }
    }
  }
}
