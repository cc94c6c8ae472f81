package dev.meshlet.tls.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.ObjectMeta;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.security.AuthorizationPolicy;
import dev.meshlet.core.config.security.AuthorizationPolicy.Action;
import dev.meshlet.core.config.security.Condition;
import dev.meshlet.core.config.security.Rule;
import dev.meshlet.tls.identity.WorkloadIdentity;
import dev.meshlet.tls.testing.Configs;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadAuthorizerTest {

  static final Map<String, String> REVIEWS = Map.of("app", "reviews", "version", "v1");
  static final SourceIdentity PRODUCTPAGE = SourceIdentity.of(WorkloadIdentity.of("bookinfo", "productpage").spiffeId());
  static final SourceIdentity RATINGS = SourceIdentity.of(WorkloadIdentity.of("bookinfo", "ratings").spiffeId());
  static final SourceIdentity ADMIN = SourceIdentity.of(WorkloadIdentity.of("ops", "admin").spiffeId());

  static WorkloadAuthorizer authorizer(String policiesYaml) {
    return WorkloadAuthorizer.compile(Configs.snapshot(policiesYaml), "bookinfo", REVIEWS);
  }

  static String policy(String name, String spec) {
    return policy("bookinfo", name, spec, "");
  }

  static String policy(String namespace, String name, String spec, String annotations) {
    return """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: %s, namespace: %s%s}
        spec: %s
        ---
        """.formatted(name, namespace, annotations, spec);
  }

  /** A request builder with sensible defaults: GET / from productpage over mTLS to port 9080. */
  static final class Req {
    SourceIdentity source = PRODUCTPAGE;
    String sourceIp = "10.0.0.5";
    String destinationIp = "10.0.1.1";
    int port = 9080;
    String sni = null;
    String method = "GET";
    String path = "/reviews/1";
    String host = "reviews.bookinfo.svc.cluster.local";
    Map<String, String> headers = new HashMap<>();
    String remoteIp = null;

    Req from(SourceIdentity s) {
      source = s;
      return this;
    }

    Req ip(String ip) {
      sourceIp = ip;
      return this;
    }

    Req method(String m) {
      method = m;
      return this;
    }

    Req path(String p) {
      path = p;
      return this;
    }

    Req host(String h) {
      host = h;
      return this;
    }

    Req port(int p) {
      port = p;
      return this;
    }

    Req header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Req remote(String ip) {
      remoteIp = ip;
      return this;
    }

    Req sni(String s) {
      sni = s;
      return this;
    }

    RequestAttributes build() {
      ConnectionAttributes c = new ConnectionAttributes(source, IpAddress.parse(sourceIp),
          IpAddress.parse(destinationIp), port, sni);
      RequestAttributes r = RequestAttributes.of(c, method, path, host, RequestHeaders.of(headers));
      return remoteIp == null ? r : r.withRemoteIp(IpAddress.parse(remoteIp));
    }
  }

  static Req req() {
    return new Req();
  }

  @Test
  void withoutPoliciesEverythingIsAllowed() {
    WorkloadAuthorizer authz = authorizer(policy("other", "{selector: {matchLabels: {app: ratings}}, rules: [{}]}"));

    assertThat(authz.isEmpty()).isTrue();
    assertThat(authz.evaluate(req().build())).isSameAs(AuthorizationDecision.NO_POLICY);
  }

  @Test
  void aMatchingDenyWinsOverAMatchingAllow() {
    WorkloadAuthorizer authz = authorizer(
        policy("allow-all", "{rules: [{}]}")
            + policy("deny-delete", "{action: DENY, rules: [{to: [{operation: {methods: [DELETE]}}]}]}"));

    AuthorizationDecision delete = authz.evaluate(req().method("DELETE").build());
    assertThat(delete.allowed()).isFalse();
    assertThat(delete.policy()).isEqualTo("bookinfo/deny-delete");
    assertThat(delete.rule()).isZero();
    assertThat(delete.reason()).isEqualTo("denied by DENY policy bookinfo/deny-delete (rule 0)");

    AuthorizationDecision get = authz.evaluate(req().build());
    assertThat(get.allowed()).isTrue();
    assertThat(get.policy()).isEqualTo("bookinfo/allow-all");
  }

  @Test
  void pathsAreMatchedWithoutQueryOrFragment() {
    WorkloadAuthorizer authz = authorizer(
        policy("deny-admin", "{action: DENY, rules: [{to: [{operation: {paths: [/admin]}}]}]}"));

    for (String target : new String[] {"/admin", "/admin?x=1", "/admin#top", "/admin?q=#f", "/admin#f?q"}) {
      assertThat(authz.evaluate(req().path(target).build()).allowed()).as(target).isFalse();
      assertThat(req().path(target).build().path()).as(target).isEqualTo("/admin");
    }
    assertThat(authz.evaluate(req().path("/admin2?x=/admin").build()).allowed()).isTrue();
  }

  @Test
  void onlyDenyPoliciesAllowWhatTheyDoNotMatch() {
    WorkloadAuthorizer authz = authorizer(
        policy("deny-admin", "{action: DENY, rules: [{to: [{operation: {paths: [/admin*]}}]}]}"));

    assertThat(authz.evaluate(req().path("/admin/users").build()).allowed()).isFalse();
    AuthorizationDecision other = authz.evaluate(req().path("/reviews").build());
    assertThat(other.allowed()).isTrue();
    assertThat(other.reason()).isEqualTo("no DENY policy matched and no ALLOW policy applies");
  }

  @Test
  void anAllowPolicyWithoutRulesDeniesEverything() {
    WorkloadAuthorizer authz = authorizer(policy("allow-nothing", "{}"));

    AuthorizationDecision d = authz.evaluate(req().build());

    assertThat(d.allowed()).isFalse();
    assertThat(d.policy()).isNull();
    assertThat(d.reason()).isEqualTo("no ALLOW policy matched (ALLOW policies: bookinfo/allow-nothing)");
    assertThat(AuthorizationDecision.DENIED_STATUS).isEqualTo(403);
    assertThat(AuthorizationDecision.DENIED_BODY).isEqualTo("RBAC: access denied");
  }

  @Test
  void anAllowPolicyWithAnEmptyRuleAllowsEverything() {
    assertThat(authorizer(policy("allow-all", "{rules: [{}]}")).evaluate(req().from(SourceIdentity.NONE).build())
        .allowed()).isTrue();
  }

  @Test
  void aRequestNoAllowPolicyMatchesIsDenied() {
    WorkloadAuthorizer authz = authorizer(policy("productpage-only", """
        {rules: [{from: [{source: {principals: [cluster.local/ns/bookinfo/sa/productpage]}}]}]}"""));

    assertThat(authz.evaluate(req().build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().from(RATINGS).build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().from(SourceIdentity.NONE).build()).allowed()).isFalse();
  }

  @Test
  void auditOnlyMarksTheRequest() {
    WorkloadAuthorizer authz = authorizer(
        policy("audit-posts", "{action: AUDIT, rules: [{to: [{operation: {methods: [POST]}}]}]}"));

    AuthorizationDecision post = authz.evaluate(req().method("POST").build());
    assertThat(post.allowed()).isTrue();
    assertThat(post.audited()).isTrue();
    assertThat(post.auditedBy()).isEqualTo("bookinfo/audit-posts");
    assertThat(authz.evaluate(req().build()).audited()).isFalse();

    WorkloadAuthorizer withDeny = authorizer(
        policy("audit-posts", "{action: AUDIT, rules: [{to: [{operation: {methods: [POST]}}]}]}")
            + policy("deny-posts", "{action: DENY, rules: [{to: [{operation: {methods: [POST]}}]}]}"));
    AuthorizationDecision denied = withDeny.evaluate(req().method("POST").build());
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.audited()).isTrue();
  }

  @Test
  void dryRunPoliciesAreEvaluatedButNeverEnforced() {
    String dryRun = ", annotations: {\"istio.io/dry-run\": \"true\"}";
    WorkloadAuthorizer authz = authorizer(
        policy("bookinfo", "deny-get", "{action: DENY, rules: [{to: [{operation: {methods: [GET]}}]}]}", dryRun)
            + policy("bookinfo", "allow-ratings", """
                {rules: [{from: [{source: {principals: ["*/sa/ratings"]}}]}]}""", dryRun));

    AuthorizationDecision get = authz.evaluate(req().build());
    assertThat(get.allowed()).isTrue();
    assertThat(get.policy()).isNull();
    assertThat(get.dryRun()).isEqualTo("dry-run DENY policy bookinfo/deny-get would deny (rule 0)");

    AuthorizationDecision post = authz.evaluate(req().method("POST").build());
    assertThat(post.allowed()).isTrue();
    assertThat(post.dryRun()).isEqualTo("dry-run ALLOW policies would deny: none matched");

    AuthorizationDecision fromRatings = authz.evaluate(req().from(RATINGS).method("POST").build());
    assertThat(fromRatings.dryRunDenied()).isFalse();
  }

  @Test
  void principalsNamespacesAndServiceAccountsComeFromThePeerCertificate() {
    WorkloadAuthorizer authz = authorizer(policy("sources", """
        {rules: [
          {from: [{source: {principals: ["cluster.local/ns/bookinfo/sa/productpage"]}}], to: [{operation: {paths: [/p]}}]},
          {from: [{source: {principals: ["spiffe://cluster.local/ns/ops/*"]}}], to: [{operation: {paths: [/spiffe]}}]},
          {from: [{source: {namespaces: [ops]}}], to: [{operation: {paths: [/ns]}}]},
          {from: [{source: {namespaces: ["book*"]}}], to: [{operation: {paths: [/ns-prefix]}}]},
          {from: [{source: {serviceAccounts: [ratings]}}], to: [{operation: {paths: [/sa-local]}}]},
          {from: [{source: {serviceAccounts: [ops/admin]}}], to: [{operation: {paths: [/sa]}}]},
          {from: [{source: {principals: ["*"]}}], to: [{operation: {paths: [/authenticated]}}]}
        ]}"""));

    assertThat(authz.evaluate(req().path("/p").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().from(RATINGS).path("/p").build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().from(ADMIN).path("/spiffe").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().from(ADMIN).path("/ns").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().path("/ns").build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().path("/ns-prefix").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().from(RATINGS).path("/sa-local").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().path("/sa-local").build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().from(ADMIN).path("/sa").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().from(RATINGS).path("/authenticated").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().from(SourceIdentity.NONE).path("/authenticated").build()).allowed()).isFalse();
  }

  @Test
  void notFormsExcludeAndAnAbsentAttributeSatisfiesThem() {
    WorkloadAuthorizer authz = authorizer(policy("deny-outsiders", """
        {action: DENY, rules: [{from: [{source: {notNamespaces: [bookinfo]}}]}]}""")
        + policy("deny-non-get", """
        {action: DENY, rules: [{to: [{operation: {notMethods: [GET, HEAD], notPaths: ["/public/*"]}}]}]}"""));

    assertThat(authz.evaluate(req().build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().from(ADMIN).build()).policy()).isEqualTo("bookinfo/deny-outsiders");
    // Plaintext: no namespace, so notNamespaces [bookinfo] holds and the DENY matches.
    assertThat(authz.evaluate(req().from(SourceIdentity.NONE).build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().method("POST").build()).policy()).isEqualTo("bookinfo/deny-non-get");
    assertThat(authz.evaluate(req().method("POST").path("/public/x").build()).allowed()).isTrue();

    WorkloadAuthorizer requireMtls = authorizer(policy("require-mtls", """
        {action: DENY, rules: [{from: [{source: {notPrincipals: ["*"]}}]}]}"""));
    assertThat(requireMtls.evaluate(req().from(SourceIdentity.NONE).build()).allowed()).isFalse();
    assertThat(requireMtls.evaluate(req().build()).allowed()).isTrue();
  }

  @Test
  void ipBlocksAndRemoteIpBlocksMatchRangesOfBothFamilies() {
    WorkloadAuthorizer authz = authorizer(policy("ips", """
        {rules: [
          {from: [{source: {ipBlocks: [10.0.0.0/16], notIpBlocks: [10.0.9.9]}}], to: [{operation: {paths: [/v4]}}]},
          {from: [{source: {ipBlocks: ["2001:db8::/32"]}}], to: [{operation: {paths: [/v6]}}]},
          {from: [{source: {remoteIpBlocks: [192.168.1.0/24]}}], to: [{operation: {paths: [/remote]}}]}
        ]}"""));

    assertThat(authz.evaluate(req().ip("10.0.200.3").path("/v4").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().ip("10.0.9.9").path("/v4").build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().ip("10.1.0.1").path("/v4").build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().ip("::ffff:10.0.1.2").path("/v4").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().ip("2001:db8:1::7").path("/v6").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().ip("2001:db9::7").path("/v6").build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().path("/remote").build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().remote("192.168.1.77").path("/remote").build()).allowed()).isTrue();
  }

  @Test
  void hostsPortsMethodsAndPathsUseIstiosStringMatching() {
    WorkloadAuthorizer authz = authorizer(policy("ops", """
        {rules: [
          {to: [{operation: {hosts: ["Reviews.bookinfo.svc.cluster.local", "*.example.com"], ports: ["9080"]}}]},
          {to: [{operation: {methods: ["GET"], paths: ["/api/{*}/items/{**}"]}}]},
          {to: [{operation: {paths: ["*.css", "/static/*"]}}]}
        ]}"""));

    assertThat(authz.evaluate(req().path("/x").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().path("/x").port(9090).build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().path("/x").host("shop.example.COM").build()).allowed()).isTrue();
    // A host written without a port matches only an authority sent without one, as in Istio.
    assertThat(authz.evaluate(req().path("/x").host("reviews.bookinfo.svc.cluster.local:9080").build()).allowed()).isFalse();
    RequestAttributes other = req().host("other").path("/api/v1/items/a/b?x=1").build();
    assertThat(other.path()).isEqualTo("/api/v1/items/a/b");
    assertThat(authz.evaluate(other).allowed()).isTrue();
    assertThat(authz.evaluate(req().host("other").path("/api/v1/items/").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().host("other").path("/api/v1/items").build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().host("other").path("/api//items/x").build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().host("other").path("/api/a/b/items/x").build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().host("other").method("get").path("/api/v1/items/a").build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().host("other").path("/site.css").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().host("other").path("/static/app.js").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().host("other").path("/STATIC/app.js").build()).allowed()).isFalse();
  }

  @Test
  void whenConditionsReadHeadersAndConnectionAttributes() {
    WorkloadAuthorizer authz = authorizer(policy("when", """
        {rules: [
          {when: [{key: "request.headers[X-User]", values: ["alice", "bob*"]}, {key: "request.headers[x-debug]", notValues: ["*"]}]},
          {to: [{operation: {paths: [/conn]}}], when: [
            {key: source.ip, values: [10.0.0.0/8]}, {key: destination.ip, values: [10.0.1.1]},
            {key: destination.port, values: ["9080"]}, {key: source.namespace, values: [bookinfo]},
            {key: source.principal, values: ["*/sa/productpage"]}, {key: source.serviceAccount, values: [bookinfo/productpage]},
            {key: connection.sni, values: ["outbound_.9080_._.reviews*"]}, {key: remote.ip, notValues: [10.0.0.6]}]}
        ]}"""));

    assertThat(authz.evaluate(req().header("x-user", "alice").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().header("X-USER", "bobby").build()).allowed()).isTrue();
    assertThat(authz.evaluate(req().header("x-user", "carol").build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().header("x-user", "alice").header("x-debug", "").build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().build()).allowed()).isFalse();

    Req conn = req().path("/conn").sni("outbound_.9080_._.reviews.bookinfo.svc.cluster.local");
    assertThat(authz.evaluate(conn.build()).allowed()).isTrue();
    assertThat(authz.evaluate(conn.remote("10.0.0.6").build()).allowed()).isFalse();
    assertThat(authz.evaluate(req().path("/conn").build()).allowed()).as("no SNI").isFalse();
    assertThat(authz.evaluate(req().path("/conn").sni("outbound_.9080_._.reviews").from(RATINGS).build()).allowed())
        .isFalse();
  }

  @Test
  void policiesOfTheRootNamespaceApplyMeshWideAndTargetRefsAreLeftOut() {
    WorkloadAuthorizer authz = authorizer(policy("istio-system", "deny-debug",
        "{action: DENY, rules: [{to: [{operation: {paths: [/debug*]}}]}]}", "")
        + policy("bookinfo", "gateway-only", "{targetRef: {kind: Gateway, group: gateway.networking.k8s.io, name: gw},"
            + " action: DENY, rules: [{}]}", ""));

    assertThat(authz.policies()).containsExactly("istio-system/deny-debug");
    assertThat(authz.evaluate(req().path("/debug/pprof").build()).policy()).isEqualTo("istio-system/deny-debug");
    assertThat(authz.evaluate(req().build()).allowed()).isTrue();
  }

  @Test
  void twentyPoliciesAreEvaluatedInIstiosOrder() {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      yaml.append(policy("deny-" + i, "{action: DENY, rules: [{to: [{operation: {paths: [/deny/" + i + "]}}]}]}"));
    }
    for (int i = 0; i < 10; i++) {
      yaml.append(policy("allow-" + i, "{rules: [{from: [{source: {namespaces: [ns" + i + "]}}],"
          + " to: [{operation: {methods: [GET], paths: [\"/svc/" + i + "/*\"]}}]}]}"));
    }
    yaml.append(policy("audit-admin", "{action: AUDIT, rules: [{to: [{operation: {paths: [\"/svc/*\"]}}]}]}"));
    yaml.append(policy("allow-health", "{rules: [{to: [{operation: {paths: [/healthz]}}]}]}"));
    WorkloadAuthorizer authz = authorizer(yaml.toString());
    assertThat(authz.policies()).hasSize(20);

    for (int i = 0; i < 10; i++) {
      SourceIdentity caller = SourceIdentity.ofPrincipal("cluster.local/ns/ns" + i + "/sa/client");
      AuthorizationDecision own = authz.evaluate(req().from(caller).path("/svc/" + i + "/x").build());
      assertThat(own.allowed()).as("ns%d to its own path", i).isTrue();
      assertThat(own.policy()).isEqualTo("bookinfo/allow-" + i);
      assertThat(own.audited()).isTrue();
      AuthorizationDecision other = authz.evaluate(req().from(caller).path("/svc/" + ((i + 1) % 10) + "/x").build());
      assertThat(other.allowed()).as("ns%d to another's path", i).isFalse();
      assertThat(other.reason()).startsWith("no ALLOW policy matched");
    }
    for (int i = 0; i < 8; i++) {
      AuthorizationDecision d = authz.evaluate(req().from(SourceIdentity.ofPrincipal("cluster.local/ns/ns0/sa/c"))
          .path("/deny/" + i).build());
      assertThat(d.policy()).isEqualTo("bookinfo/deny-" + i);
      assertThat(d.allowed()).isFalse();
    }
    assertThat(authz.evaluate(req().from(SourceIdentity.NONE).path("/healthz").build()).policy())
        .isEqualTo("bookinfo/allow-health");
  }

  @Test
  void whatCannotBeEnforcedInProcessIsRefusedAtCompileTimeWithThePolicyAndField() {
    Resource<AuthorizationPolicy> jwt = Resource.of(Kind.AUTHORIZATION_POLICY, ObjectMeta.of("jwt", "bookinfo"),
        new AuthorizationPolicy(null, null, List.of(), List.of(new Rule(List.of(), List.of(),
            List.of(new Condition("request.auth.claims[iss]", List.of("x"), List.of())))), Action.ALLOW, null));
    Resource<AuthorizationPolicy> custom = Resource.of(Kind.AUTHORIZATION_POLICY, ObjectMeta.of("ext", "bookinfo"),
        new AuthorizationPolicy(null, null, List.of(), List.of(new Rule(List.of(), List.of(), List.of())),
            Action.CUSTOM, new AuthorizationPolicy.ExtensionProvider("opa")));

    assertThatThrownBy(() -> WorkloadAuthorizer.compile(List.of(jwt)))
        .hasMessage("AuthorizationPolicy bookinfo/jwt: spec.rules[0].when[0].key: JWT authentication is not supported"
            + " yet (request.auth.claims[iss] is read from the request's JWT)");
    assertThatThrownBy(() -> WorkloadAuthorizer.compile(List.of(custom)))
        .hasMessageStartingWith("AuthorizationPolicy bookinfo/ext: spec.action: CUSTOM action is not supported");
  }
}
