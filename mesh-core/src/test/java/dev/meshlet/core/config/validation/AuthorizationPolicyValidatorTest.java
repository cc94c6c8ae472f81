package dev.meshlet.core.config.validation;

import static dev.meshlet.core.config.validation.SecurityDocs.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.config.Problem;
import dev.meshlet.core.config.ResourceReport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AuthorizationPolicyValidatorTest {
  private static final String KIND = "AuthorizationPolicy";
  private static final String SRC = "spec.rules[0].from[0].source";
  private static final String OP = "spec.rules[0].to[0].operation";
  private static final String WHEN = "spec.rules[0].when[0]";

  /** A rule with one source whose fields are {@code fields} (flow-style YAML). */
  private static String source(String fields) {
    return "rules:\n- from:\n  - source: " + fields;
  }

  private static String operation(String fields) {
    return "rules:\n- to:\n  - operation: " + fields;
  }

  private static String when(String condition) {
    return "rules:\n- when:\n  - " + condition;
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        // The document's shape (the binder).
        Arguments.of("a misspelt source field", source("{principal: [a]}"), SRC + ".principal", "unknown field (did you mean principals?)"),
        Arguments.of("an action Istio does not have", "action: PERMIT", "spec.action", "is not one of ALLOW, DENY, AUDIT, CUSTOM"),
        Arguments.of("a port written as a number", operation("{ports: [80]}"), OP + ".ports[0]", "80 is not a string"),
        Arguments.of("values that are not a list", when("{key: source.ip, values: 10.0.0.1}"), WHEN + ".values", "is not a list"),
        // Where it applies.
        Arguments.of("a selector and a targetRef", """
            selector:
              matchLabels:
                app: httpbin
            targetRef:
              group: gateway.networking.k8s.io
              kind: Gateway
              name: ingress""", "spec", "only one of selector, targetRef or targetRefs can be set"),
        Arguments.of("a wildcard in a selector value", "selector:\n  matchLabels:\n    app: \"httpbin-*\"",
            "spec.selector.matchLabels[app]", "wildcard is not supported in selector"),
        Arguments.of("an empty selector key", "selector:\n  matchLabels:\n    app: httpbin\n    \"\": v1",
            "spec.selector.matchLabels[]", "empty key is not supported in selector"),
        Arguments.of("a targetRef to another namespace", """
            targetRef:
              group: gateway.networking.k8s.io
              kind: Gateway
              name: ingress
              namespace: other""", "spec.targetRef.namespace", "cross namespace referencing is not supported"),
        Arguments.of("a targetRef to a Deployment", "targetRef:\n  group: apps\n  kind: Deployment\n  name: httpbin",
            "spec.targetRef", "targetRef must be to one of"),
        Arguments.of("a targetRef without a name", "targetRefs:\n- kind: Service",
            "spec.targetRefs[0].name", "targetRef name must be set"),
        // Action and provider.
        Arguments.of("the CUSTOM action", "action: CUSTOM\nprovider:\n  name: ext-authz\nrules:\n- {}",
            "spec.action", "CUSTOM action is not supported by Meshlet"),
        Arguments.of("CUSTOM without a provider", "action: CUSTOM\nrules:\n- {}",
            "spec.provider.name", "must not be empty with action CUSTOM"),
        Arguments.of("CUSTOM without rules", "action: CUSTOM\nprovider:\n  name: ext-authz",
            "spec.rules", "CUSTOM action without rules is meaningless"),
        Arguments.of("CUSTOM on namespaces", "action: CUSTOM\nprovider:\n  name: ext-authz\n" + source("{namespaces: [foo]}"),
            SRC + ".namespaces", "is currently not supported with CUSTOM action"),
        Arguments.of("a provider with ALLOW", "action: ALLOW\nprovider:\n  name: ext-authz\nrules:\n- {}",
            "spec.provider", "provider must not be set with non-CUSTOM action, found ALLOW"),
        Arguments.of("DENY without rules", "action: DENY", "spec.rules", "DENY action without rules is meaningless"),
        // Sources.
        Arguments.of("a from entry without a source", "rules:\n- from:\n  - {}", SRC, "must be set"),
        Arguments.of("an empty source", source("{}"), SRC, "must not be empty"),
        Arguments.of("an empty principal", source("{principals: [p1, \"\"]}"), SRC + ".principals[1]", "empty value not allowed"),
        Arguments.of("an empty not-namespace", source("{notNamespaces: [\"\"]}"), SRC + ".notNamespaces[0]", "empty value not allowed"),
        Arguments.of("request principals", source("{requestPrincipals: [\"issuer/subject\"]}"),
            SRC + ".requestPrincipals", "JWT authentication is not supported yet"),
        Arguments.of("negated request principals", source("{notRequestPrincipals: [\"*\"]}"),
            SRC + ".notRequestPrincipals", "JWT authentication is not supported yet"),
        Arguments.of("an IP address out of range", source("{ipBlocks: [1.2.3.4, 1.2.3.256]}"), SRC + ".ipBlocks[1]", "bad IP address (1.2.3.256)"),
        Arguments.of("a CIDR with too long a prefix", source("{notIpBlocks: [10.0.0.0/33]}"), SRC + ".notIpBlocks[0]", "bad CIDR range (10.0.0.0/33)"),
        Arguments.of("a remote IP that is a name", source("{remoteIpBlocks: [ip1]}"), SRC + ".remoteIpBlocks[0]", "bad IP address (ip1)"),
        Arguments.of("an IPv6 range with two ::", source("{notRemoteIpBlocks: [\"2001::db8::/32\"]}"),
            SRC + ".notRemoteIpBlocks[0]", "bad CIDR range"),
        Arguments.of("serviceAccounts with namespaces", source("{serviceAccounts: [bar/sa], namespaces: [bar]}"),
            SRC, "cannot set serviceAccounts with namespaces or principals"),
        Arguments.of("notServiceAccounts with principals", source("{notServiceAccounts: [baz/sa], principals: [bar]}"),
            SRC, "cannot set serviceAccounts with namespaces or principals"),
        Arguments.of("a wildcard service account", source("{serviceAccounts: [\"foo/*\"]}"),
            SRC + ".serviceAccounts[0]", "wildcards are not supported in serviceAccounts"),
        // Operations.
        Arguments.of("a to entry without an operation", "rules:\n- to:\n  - {}", OP, "must be set"),
        Arguments.of("an empty operation", operation("{}"), OP, "must not be empty"),
        Arguments.of("a port that is a name", operation("{ports: [\"80\", port1]}"), OP + ".ports[1]", "bad port (port1)"),
        Arguments.of("a port above 65535", operation("{notPorts: [\"65536\"]}"), OP + ".notPorts[0]", "bad port (65536)"),
        Arguments.of("a negative port", operation("{ports: [\"-1\"]}"), OP + ".ports[0]", "bad port (-1)"),
        Arguments.of("an empty method", operation("{methods: [GET, \"\"]}"), OP + ".methods[1]", "empty value not allowed"),
        Arguments.of("an empty not-host", operation("{notHosts: [\"\"]}"), OP + ".notHosts[0]", "empty value not allowed"),
        Arguments.of("a path template with a bare *", operation("{paths: [\"/{*}/foo/*\"]}"),
            OP + ".paths[0]", "invalid or unsupported path template"),
        Arguments.of("a path template with a named variable", operation("{notPaths: [\"/{name}/{**}\"]}"),
            OP + ".notPaths[0]", "invalid or unsupported path template"),
        // Conditions.
        Arguments.of("a condition without a key", when("{values: [v1]}"), WHEN + ".key", "must not be empty"),
        Arguments.of("a condition without values", when("{key: source.principal}"), WHEN,
            "at least one of values or notValues must be set for key source.principal"),
        Arguments.of("an unknown attribute", when("{key: key1, values: [v1]}"), WHEN + ".key", "unknown attribute: key1"),
        Arguments.of("a header condition without a header name", when("{key: \"request.headers[]\", values: [v1]}"),
            WHEN + ".key", "should have format a[b]"),
        Arguments.of("an empty header value", when("{key: \"request.headers[:authority]\", values: [v1, \"\"]}"),
            WHEN + ".values[1]", "empty value not allowed"),
        Arguments.of("a source IP that is not one", when("{key: source.ip, values: [a.b.c.d]}"), WHEN + ".values[0]", "bad IP address (a.b.c.d)"),
        Arguments.of("a destination IP range that is not one", when("{key: destination.ip, notValues: [10.0.0.0/8/8]}"),
            WHEN + ".notValues[0]", "bad CIDR range"),
        Arguments.of("a destination port that is not one", when("{key: destination.port, notValues: [abc]}"),
            WHEN + ".notValues[0]", "bad port (abc)"),
        Arguments.of("a JWT claim", when("{key: \"request.auth.claims[iss]\", values: [\"https://accounts.google.com\"]}"),
            WHEN + ".key", "JWT authentication is not supported yet"),
        Arguments.of("the JWT principal", when("{key: request.auth.principal, values: [\"*\"]}"),
            WHEN + ".key", "JWT authentication is not supported yet"),
        Arguments.of("a JWT claim without a name", when("{key: request.auth.claims, values: [x]}"),
            WHEN + ".key", "should have format a[b]"),
        Arguments.of("destination.namespace", when("{key: destination.namespace, values: [foo]}"),
            WHEN + ".key", "is replaced by the metadata.namespace"),
        Arguments.of("destination.labels", when("{key: \"destination.labels[app]\", values: [foo]}"),
            WHEN + ".key", "is replaced by the workload selector"),
        Arguments.of("destination.user", when("{key: destination.user, values: [foo]}"),
            WHEN + ".key", "deprecated attribute destination.user"),
        Arguments.of("Envoy filter metadata", when("{key: \"experimental.envoy.filters.a.b[c]\", values: [x]}"),
            WHEN + ".key", "is not supported by Meshlet"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void refusesWhatIstioOrMeshletRefusesWithTheFieldPath(String name, String spec, String path, String fragment) {
    assertError(SecurityDocs.read(KIND, spec), path, fragment);
  }

  @ParameterizedTest
  @ValueSource(strings = {"AUDIT", "CUSTOM"})
  void refusesDryRunOnActionsOtherThanAllowAndDeny(String action) {
    ResourceReport report = SecurityDocs.readWithAnnotations(KIND, "istio.io/dry-run: \"true\"",
        "action: " + action + "\nprovider:\n  name: p\nrules:\n- {}");

    assertError(report, "metadata.annotations[istio.io/dry-run]", "only supports action ALLOW or DENY, found action " + action);
  }

  @Test
  void refusesADryRunValueThatIsNotABoolean() {
    ResourceReport report = SecurityDocs.readWithAnnotations(KIND, "istio.io/dry-run: \"yes\"", "rules:\n- {}");

    assertError(report, "metadata.annotations[istio.io/dry-run]", "invalid value \"yes\"");
  }

  @Test
  void acceptsWhatIstioAcceptsWithoutAWord() {
    ResourceReport report = SecurityDocs.read(KIND, """
        action: DENY
        rules:
        - {}
        - from:
          - source:
              serviceAccounts: ["baz/sa", "sa"]
          - source:
              principals: ["bar"]
          - source:
              namespaces: ["bar"]
              ipBlocks: ["::1", "fe80::1%eth0", "2001:db8::/32", "0.0.0.0/0"]
          to:
          - operation:
              ports: ["80", "0080"]
              paths: ["/path/template/{*}", "/{**}/path/template", "*"]
              hosts: ["*.suffix.com", "prefix.*"]
          when:
          - key: "request.headers[X-header]"
            notValues: ["not-header-prefix-*"]
          - key: remote.ip
            values: ["10.10.10.10", "192.168.10.0/24"]""");

    assertThat(report.problems()).isEmpty();
  }

  @Test
  void warnsThatAStarInTheMiddleIsMatchedLiterally() {
    ResourceReport report = SecurityDocs.read(KIND, operation("{paths: [\"/api/*/items\"], hosts: [\"a*b.com\"]}"));

    assertThat(report.valid()).isTrue();
    assertThat(SecurityDocs.warningPaths(report)).containsExactly(OP + ".hosts[0]", OP + ".paths[0]");
  }

  @Test
  void warnsThatPortZeroNeverMatchesButAcceptsItAsIstioDoes() {
    ResourceReport report = SecurityDocs.read(KIND, operation("{ports: [\"0\"]}"));

    assertThat(report.valid()).isTrue();
    assertThat(report.warnings()).extracting(Problem::path).containsExactly(OP + ".ports[0]");
  }

  @Test
  void warnsThatAGatewayAttachedPolicyIsNotEnforcedInProcess() {
    ResourceReport report = SecurityDocs.read(KIND, """
        targetRefs:
        - group: gateway.networking.k8s.io
          kind: Gateway
          name: ingress
        - kind: Service
          name: reviews
        action: DENY
        rules:
        - {}""");

    assertThat(report.valid()).isTrue();
    assertThat(report.warnings()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("spec.targetRefs");
      assertThat(p.message()).contains("ignored by Meshlet");
    });
    assertThat(report.resource().as(dev.meshlet.core.config.security.AuthorizationPolicy.class).spec().attachesToWorkloads())
        .isFalse();
  }

  @Test
  void acceptsADryRunAllowPolicy() {
    ResourceReport report = SecurityDocs.readWithAnnotations(KIND, "istio.io/dry-run: \"false\"", "rules:\n- {}");

    assertThat(report.problems()).isEmpty();
  }

  @Test
  void reportsEveryProblemOfOnePolicyNotJustTheFirst() {
    ResourceReport report = SecurityDocs.read(KIND, """
        action: DENY
        rules:
        - from:
          - source: {ipBlocks: [bad-ip]}
          to:
          - operation: {ports: [http]}
          when:
          - {key: nope, values: [x]}""");

    assertThat(report.errors()).extracting(Problem::path).containsExactly(
        SRC + ".ipBlocks[0]", OP + ".ports[0]", WHEN + ".key");
  }
}
