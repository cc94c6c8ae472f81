package dev.meshlet.core.config.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.config.ResourceReport;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Resources that are valid but worth a word: Istio's own warnings (deprecated fields, rules
 * that are never reached) and Meshlet's for fields that have no meaning in-process.
 */
class NetworkingWarningsTest {
  private static final String VS = "VirtualService";
  private static final String DR = "DestinationRule";
  private static final String SE = "ServiceEntry";
  private static final String WE = "WorkloadEntry";
  private static final String SC = "Sidecar";
  private static final String V1 = "route: [{destination: {host: reviews, subset: v1}}]";

  static Stream<Arguments> cases() {
    return Stream.of(
        warns("a gateway beside the mesh is ignored", VS,
            "hosts: [reviews]\ngateways: [bookinfo-gateway, mesh]\nhttp:\n- " + V1,
            "spec.gateways[0]", "gateway \"bookinfo-gateway\" is ignored in-process"),
        warns("rules bound to gateways only are not applied in-process", VS,
            "hosts: [reviews]\ngateways: [istio-system/edge]\nhttp:\n- " + V1,
            "spec.gateways", "applies to gateways only"),
        warns("a match bound to a gateway only", VS,
            "hosts: [reviews]\nhttp:\n- match: [{gateways: [edge]}]\n  " + V1 + "\n- " + V1,
            "spec.http[0].match[0].gateways", "applies to gateways only"),
        warns("the legacy gateway name form", VS,
            "hosts: [reviews]\ngateways: [edge.istio-system, mesh]\nhttp:\n- " + V1,
            "spec.gateways[0]", "prefer the <namespace>/<name> format: \"istio-system/edge\""),
        warns("exportTo is ignored", VS, "hosts: [reviews]\nexportTo: ['*']\nhttp:\n- " + V1,
            "spec.exportTo", "exportTo is ignored in-process"),
        warns("the deprecated mirrorPercent", VS,
            "hosts: [reviews]\nhttp:\n- " + V1 + "\n  mirror: {host: shadow}\n  mirrorPercent: 5",
            "spec.http[0].mirrorPercent", "deprecated setting \"mirrorPercent\""),
        warns("the legacy mirror_percent spelling", VS,
            "hosts: [reviews]\nhttp:\n- " + V1 + "\n  mirror: {host: shadow}\n  mirror_percent: 5",
            "spec.http[0].mirror_percent", "deprecated setting \"mirror_percent\""),
        warns("a second rule without matches", VS, "hosts: [reviews]\nhttp:\n- " + V1 + "\n- " + V1,
            "spec.http[1]", "not used (only the last rule can have no matches)"),
        warns("a match repeated from an earlier rule", VS,
            "hosts: [reviews]\nhttp:\n- match: [{uri: {exact: /a}}]\n  " + V1
                + "\n- name: again\n  match: [{name: same, uri: {exact: /a}}]\n  " + V1,
            "spec.http[1]", "virtualService rule \"again\" not used (all matches used by prior rules)"),
        warns("a prefix covered by a shorter one", VS,
            "hosts: [reviews]\nhttp:\n- match: [{uri: {prefix: /api}}]\n  " + V1
                + "\n- match: [{uri: {prefix: /api/v2}}]\n  " + V1,
            "spec.http[1].match[0]", "of prefix /api/v2 is not used"),
        warns("an abort without error type", VS,
            "hosts: [reviews]\nhttp:\n- " + V1 + "\n  fault: {abort: {percentage: {value: 1}}}",
            "spec.http[0].fault.abort", "abort configured, but error type not set"),
        warns("an IP as SNI host", VS,
            "hosts: ['*']\ngateways: [edge]\ntls:\n- match: [{sniHosts: [10.1.2.3]}]\n  route: [{destination: {host: a.example.com}}]",
            "spec.tls[0].match[0].sniHosts[0]", "goes against SNI spec"),
        warns("the deprecated consecutiveErrors", DR, "host: reviews\ntrafficPolicy: {outlierDetection: {consecutiveErrors: 5}}",
            "spec.trafficPolicy.outlierDetection.consecutiveErrors", "deprecated"),
        warns("the deprecated minimumRingSize", DR,
            "host: reviews\ntrafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, minimumRingSize: 1024}}}",
            "spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize", "deprecated"),
        warns("failover without outlier detection", DR,
            "host: reviews\ntrafficPolicy: {loadBalancer: {localityLbSetting: {failover: [{from: us-east, to: eu-west}]}}}",
            "spec.trafficPolicy.loadBalancer.localityLbSetting", "outlier detection policy must be provided for failover"),
        warns("a partial wildcard host", SE, "hosts: ['*foo.com']\nports: [{number: 80, name: http, protocol: HTTP}]",
            "spec.hosts[0]", "partial wildcard \"*foo.com\" not allowed"),
        warns("a selector without labels", SE, "hosts: [a.internal]\nresolution: STATIC\nworkloadSelector: {}\n"
            + "ports: [{number: 80, name: http, protocol: HTTP}]", "spec.workloadSelector", "will be applied to all services in namespace"),
        warns("a target port with resolution NONE", SE,
            "hosts: [a.internal]\naddresses: [10.0.0.1]\nports: [{number: 80, name: http, protocol: HTTP, targetPort: 8080}]",
            "spec.ports[0].targetPort", "targetPort has no effect when resolution mode is NONE"),
        warns("a workload with a network and no address", WE, "network: vpc-02",
            "spec.address", "address is unset with network \"vpc-02\""),
        warns("a bind address is ignored", SC,
            "egress:\n- port: {number: 9080, protocol: HTTP, name: http}\n  bind: 127.0.0.1\n  hosts: [./*]",
            "spec.egress[0].bind", "ignored in-process"),
        warns("an egress port is ignored", SC, "egress:\n- port: {number: 9080, protocol: HTTP, name: http}\n  hosts: [./*]",
            "spec.egress[0].port", "apply to calls on every port"),
        warns("a duplicated egress host", SC, "egress:\n- hosts: [ns1/*, ns1/a.example.com]",
            "spec.egress[0].hosts[1]", "duplicated egress host: ns1/a.example.com"),
        warns("HTTP pool settings on a TCP port", SC,
            "ingress:\n- port: {number: 3306, protocol: TCP, name: mysql}\n  connectionPool: {http: {maxRetries: 1}}",
            "spec.ingress[0].connectionPool.http", "only TCP settings will apply"));
  }

  private static Arguments warns(String what, String kind, String spec, String path, String fragment) {
    return Arguments.of(kind + ": " + what, kind, spec, path, fragment);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isAcceptedWithAWarningAtItsPath(String what, String kind, String spec, String path, String fragment) {
    ResourceReport report = Docs.read(kind, spec);

    assertThat(report.errors()).as("%s", Docs.doc(kind, spec)).isEmpty();
    assertThat(report.valid()).isTrue();
    assertThat(report.warnings()).as("%s", report.problems()).anySatisfy(p -> {
      assertThat(p.path()).isEqualTo(path);
      assertThat(p.message()).contains(fragment);
    });
  }
}
