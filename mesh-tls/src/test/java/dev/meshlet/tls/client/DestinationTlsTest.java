package dev.meshlet.tls.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.config.Kind;
import dev.meshlet.core.config.networking.ClientTlsSettings;
import dev.meshlet.core.config.networking.ClientTlsSettings.TlsMode;
import dev.meshlet.core.config.networking.DestinationRule;
import dev.meshlet.tls.testing.Configs;
import org.junit.jupiter.api.Test;

class DestinationTlsTest {

  static final DestinationRule RULE = Configs.snapshot("""
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews, namespace: bookinfo}
      spec:
        host: reviews
        trafficPolicy:
          tls: {mode: ISTIO_MUTUAL}
          portLevelSettings:
          - port: {number: 8443}
            tls: {mode: SIMPLE, sni: reviews.example.test}
        subsets:
        - name: v1
          labels: {version: v1}
        - name: legacy
          labels: {version: v0}
          trafficPolicy:
            tls: {mode: DISABLE}
            portLevelSettings:
            - port: {number: 9443}
              tls: {mode: MUTUAL, clientCertificate: /c.pem, privateKey: /k.pem}
      """).all(Kind.DESTINATION_RULE, DestinationRule.class).get(0).spec();

  static TlsMode mode(String subset, int port) {
    ClientTlsSettings s = DestinationTls.settings(RULE, subset, port);
    return s == null ? null : s.mode();
  }

  @Test
  void mergesTheRuleItsPortsTheSubsetAndTheSubsetsPortsInIstiosOrder() {
    assertThat(mode(null, 9080)).isEqualTo(TlsMode.ISTIO_MUTUAL);
    assertThat(mode(null, 8443)).isEqualTo(TlsMode.SIMPLE);
    assertThat(mode("v1", 9080)).isEqualTo(TlsMode.ISTIO_MUTUAL);
    assertThat(mode("legacy", 9080)).isEqualTo(TlsMode.DISABLE);
    assertThat(mode("legacy", 8443)).isEqualTo(TlsMode.DISABLE);
    assertThat(mode("legacy", 9443)).isEqualTo(TlsMode.MUTUAL);
    assertThat(mode("unknown", 9080)).isEqualTo(TlsMode.ISTIO_MUTUAL);
  }

  @Test
  void noRuleOrNoTlsLeavesTheChoiceToAutoMtls() {
    assertThat(DestinationTls.settings(null, null, 9080)).isNull();
    DestinationRule lbOnly = new DestinationRule("reviews", null, java.util.List.of(), java.util.List.of(), null);
    assertThat(DestinationTls.settings(lbOnly, "v1", 9080)).isNull();
  }
}
