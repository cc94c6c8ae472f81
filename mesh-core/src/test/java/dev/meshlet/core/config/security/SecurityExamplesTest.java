package dev.meshlet.core.config.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.Problem;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.config.security.AuthorizationPolicy.Action;
import dev.meshlet.core.config.security.PeerAuthentication.Mode;
import dev.meshlet.core.config.validation.AuthorizationPolicyValidator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecurityExamplesTest {

  @ParameterizedTest
  @ValueSource(strings = {"peer-authentication-examples.yaml", "authorization-policy-examples.yaml"})
  void istiosDocumentationExamplesAreValid(String file) {
    List<ResourceReport> reports = read(file);

    assertThat(reports).isNotEmpty().allSatisfy(r -> assertThat(r.errors()).as(r.subject()).isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "peer-authentication-examples.yaml", "authorization-policy-examples.yaml", "authorization-policy-jwt-examples.yaml"})
  void everyExampleKeepsEveryFieldWhenWrittenAndReadAgain(String file) {
    for (ResourceReport report : read(file)) {
      Resource<?> first = report.resource();
      assertThat(first).as(report.subject()).isNotNull();

      ResourceReport again = ConfigReader.readDocument("again", 0, ConfigReader.toTree(first));

      assertThat(again.resource()).as(report.subject()).isEqualTo(first);
      assertThat(again.problems()).as(report.subject()).isEqualTo(report.problems());
    }
  }

  @Test
  void peerAuthenticationExamplesBindModesSelectorsAndPorts() {
    List<ResourceReport> reports = read("peer-authentication-examples.yaml");

    PeerAuthentication meshWide = spec(reports.get(0), PeerAuthentication.class);
    assertThat(reports.get(0).namespace()).isEqualTo(RootNamespace.DEFAULT);
    assertThat(meshWide.modeOrUnset()).isEqualTo(Mode.STRICT);
    assertThat(meshWide.selector()).isNull();
    assertThat(meshWide.portLevelMtls()).isEmpty();

    PeerAuthentication metrics = spec(reports.get(4), PeerAuthentication.class);
    assertThat(metrics.selector()).isEqualTo(WorkloadSelector.of(Map.of("app", "finance")));
    assertThat(metrics.portLevelMtls()).containsExactly(Map.entry(8080, PeerAuthentication.Mtls.of(Mode.DISABLE)));

    PeerAuthentication inherit = spec(reports.get(5), PeerAuthentication.class);
    assertThat(inherit.mtls()).isEqualTo(PeerAuthentication.Mtls.of(Mode.UNSET));
    assertThat(inherit.portLevelMtls()).containsOnlyKeys(8080);

    PeerAuthentication partial = spec(reports.get(6), PeerAuthentication.class);
    assertThat(partial.selector()).isEqualTo(WorkloadSelector.of(Map.of()));
    assertThat(partial.modeOrUnset()).isEqualTo(Mode.UNSET);
    assertThat(reports.get(6).warnings()).extracting(Problem::path).containsExactly("spec.selector");
  }

  @Test
  void authorizationPolicyWithEveryFieldBindsEachOne() {
    ResourceReport report = read("authorization-policy-examples.yaml").stream()
        .filter(r -> "every-field".equals(r.name())).findFirst().orElseThrow();
    AuthorizationPolicy policy = spec(report, AuthorizationPolicy.class);

    assertThat(policy.actionOrDefault()).isEqualTo(Action.ALLOW);
    assertThat(policy.attachesToWorkloads()).isTrue();
    assertThat(policy.selector().matchLabels()).containsExactly(Map.entry("app", "httpbin"), Map.entry("version", "v1"));
    Rule rule = policy.rules().get(0);
    Source first = rule.from().get(0).source();
    assertThat(first.principals()).hasSize(4);
    assertThat(List.of(first.notPrincipals(), first.namespaces(), first.notNamespaces(), first.ipBlocks(),
        first.notIpBlocks(), first.remoteIpBlocks(), first.notRemoteIpBlocks())).allSatisfy(l -> assertThat(l).isNotEmpty());
    Source second = rule.from().get(1).source();
    assertThat(second.serviceAccounts()).containsExactly("foo/sleep", "curl");
    assertThat(second.notServiceAccounts()).containsExactly("foo/legacy");
    Operation op = rule.to().get(0).operation();
    assertThat(List.of(op.hosts(), op.notHosts(), op.ports(), op.notPorts(), op.methods(), op.notMethods(),
        op.paths(), op.notPaths())).allSatisfy(l -> assertThat(l).isNotEmpty());
    assertThat(rule.when()).extracting(Condition::key).containsExactly(
        "request.headers[x-tenant]", "source.ip", "remote.ip", "destination.ip", "destination.port",
        "source.namespace", "source.principal", "source.serviceAccount", "connection.sni");
    assertThat(rule.when().get(0).notValues()).containsExactly("acme-test");
    assertThat(report.problems()).isEmpty();
  }

  @Test
  void anEmptySpecIsAnAllowPolicyWithoutRules() {
    ResourceReport report = read("authorization-policy-examples.yaml").get(3);
    AuthorizationPolicy policy = spec(report, AuthorizationPolicy.class);

    assertThat(report.name()).isEqualTo("allow-nothing");
    assertThat(policy.actionOrDefault()).isEqualTo(Action.ALLOW);
    assertThat(policy.rules()).isEmpty();
    assertThat(policy.selector()).isNull();
  }

  @Test
  void examplesNeedingJwtAreReadButRefusedSayingJwtIsNotSupportedYet() {
    List<ResourceReport> reports = read("authorization-policy-jwt-examples.yaml");

    assertThat(reports).allSatisfy(r -> assertThat(r.resource()).isNotNull());
    assertThat(reports.get(0).errors()).extracting(Problem::path, Problem::message)
        .containsExactly(tuple("spec.rules[0].when[0].key",
            AuthorizationPolicyValidator.JWT_NOT_SUPPORTED + " (request.auth.claims[iss] is read from the request's JWT)"));
    assertThat(reports.get(1).errors()).extracting(Problem::path).containsExactly(
        "spec.rules[0].from[0].source.requestPrincipals",
        "spec.rules[0].from[0].source.notRequestPrincipals",
        "spec.rules[0].when[0].key",
        "spec.rules[0].when[1].key",
        "spec.rules[0].when[2].key");
    assertThat(reports.get(1).errors()).allSatisfy(p -> assertThat(p.message()).contains("JWT authentication is not supported yet"));
  }

  @Test
  void kindsAreTheSecurityOnes() {
    assertThat(read("peer-authentication-examples.yaml")).allSatisfy(r -> assertThat(r.kind()).isEqualTo(Kind.PEER_AUTHENTICATION.kindName()));
    assertThat(read("authorization-policy-examples.yaml")).allSatisfy(r -> assertThat(r.kind()).isEqualTo(Kind.AUTHORIZATION_POLICY.kindName()));
  }

  private static <S> S spec(ResourceReport report, Class<S> type) {
    assertThat(report.resource()).as(report.subject()).isNotNull();
    return report.resource().as(type).spec();
  }

  static List<ResourceReport> read(String file) {
    try (InputStream in = SecurityExamplesTest.class.getResourceAsStream("/security/" + file)) {
      assertThat(in).as(file).isNotNull();
      return ConfigReader.read(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
