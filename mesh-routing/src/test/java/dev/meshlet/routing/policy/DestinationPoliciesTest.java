package dev.meshlet.routing.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshlet.core.config.networking.ClientTlsSettings;
import dev.meshlet.core.config.networking.ClientTlsSettings.TlsMode;
import dev.meshlet.core.config.networking.ConnectionPoolSettings;
import dev.meshlet.core.config.networking.ConnectionPoolSettings.TcpSettings;
import dev.meshlet.core.config.networking.DestinationRule;
import dev.meshlet.core.config.networking.LoadBalancerSettings;
import dev.meshlet.core.config.networking.LoadBalancerSettings.SimpleLb;
import dev.meshlet.core.config.networking.OutlierDetection;
import dev.meshlet.core.config.networking.PortSelector;
import dev.meshlet.core.config.networking.Subset;
import dev.meshlet.core.config.networking.TrafficPolicy;
import dev.meshlet.core.config.networking.TrafficPolicy.PortTrafficPolicy;
import dev.meshlet.routing.pool.PoolConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DestinationPoliciesTest {

  private static final LoadBalancerSettings ROUND_ROBIN = lb(SimpleLb.ROUND_ROBIN);
  private static final LoadBalancerSettings RANDOM = lb(SimpleLb.RANDOM);
  private static final ConnectionPoolSettings HUNDRED_CONNECTIONS = pool(100);
  private static final ConnectionPoolSettings TEN_CONNECTIONS = pool(10);
  private static final OutlierDetection FIVE_XX_3 =
      new OutlierDetection(null, null, null, null, 3, null, null, null, null);
  private static final ClientTlsSettings MUTUAL =
      new ClientTlsSettings(TlsMode.ISTIO_MUTUAL, null, null, null, null, List.of(), null, null, null);

  private static LoadBalancerSettings lb(SimpleLb simple) {
    return new LoadBalancerSettings(simple, null, null, null, null);
  }

  private static ConnectionPoolSettings pool(int maxConnections) {
    return new ConnectionPoolSettings(new TcpSettings(maxConnections, null, null, null, null), null);
  }

  private static TrafficPolicy policy(
      LoadBalancerSettings lb, ConnectionPoolSettings pool, OutlierDetection outlier, ClientTlsSettings tls,
      PortTrafficPolicy... ports) {
    return new TrafficPolicy(lb, pool, outlier, tls, List.of(ports), null, null, null);
  }

  private static PortTrafficPolicy port(int number, LoadBalancerSettings lb, ConnectionPoolSettings pool) {
    return new PortTrafficPolicy(new PortSelector(number), lb, pool, null, null);
  }

  private static DestinationRule rule(TrafficPolicy top, Subset... subsets) {
    return new DestinationRule("reviews", top, List.of(subsets), List.of(), null);
  }

  @Test
  void withoutASubsetTheTopLevelPolicyApplies() {
    DestinationPolicies p = DestinationPolicies.of(rule(policy(ROUND_ROBIN, HUNDRED_CONNECTIONS, FIVE_XX_3, MUTUAL)));
    EffectivePolicy e = p.policy(null, 9080);
    assertThat(e.loadBalancer()).isEqualTo(ROUND_ROBIN);
    assertThat(e.pool().maxConnections()).isEqualTo(100);
    assertThat(e.outlier().consecutive5xxErrors()).isEqualTo(3);
    assertThat(e.tls()).isEqualTo(MUTUAL);
    assertThat(e.localityFailover()).isTrue();
  }

  @Test
  void aSubsetReplacesEachSettingItSetsWholesaleAndInheritsTheRest() {
    LoadBalancerSettings hashed = new LoadBalancerSettings(null,
        new LoadBalancerSettings.ConsistentHashLb("x-user", null, null, null, null, null, null), null, null, null);
    LoadBalancerSettings roundRobinWithLocality = new LoadBalancerSettings(SimpleLb.ROUND_ROBIN, null,
        new dev.meshlet.core.config.networking.LocalityLoadBalancerSetting(List.of(), List.of(), List.of(), false), null, null);
    Subset v2 = new Subset("v2", Map.of("version", "v2"), policy(hashed, null, null, null));
    DestinationPolicies p = DestinationPolicies.of(rule(policy(roundRobinWithLocality, HUNDRED_CONNECTIONS, FIVE_XX_3, MUTUAL), v2));
    EffectivePolicy e = p.policy("v2", 9080);
    assertThat(e.subsetLabels()).containsExactly(Map.entry("version", "v2"));
    assertThat(e.loadBalancer()).isEqualTo(hashed); // not a field-by-field blend: the locality setting is gone
    assertThat(e.pool().maxConnections()).isEqualTo(100);
    assertThat(e.outlierDetection()).isEqualTo(FIVE_XX_3);
    assertThat(e.tls()).isEqualTo(MUTUAL);
  }

  @Test
  void aSubsetWithoutPolicyTakesTheTopLevelOne() {
    Subset v1 = new Subset("v1", Map.of("version", "v1"), null);
    DestinationPolicies p = DestinationPolicies.of(rule(policy(RANDOM, TEN_CONNECTIONS, null, null), v1));
    assertThat(p.policy("v1", 9080).loadBalancer()).isEqualTo(RANDOM);
    assertThat(p.policy("v1", 9080).pool().maxConnections()).isEqualTo(10);
    assertThat(p.policy("v1", 9080).outlier()).isNull();
    assertThat(p.subsetNames()).containsExactly("v1");
  }

  @Test
  void topLevelPortSettingsApplyToTheirPortOnlyAndDoNotInherit() {
    TrafficPolicy top = policy(ROUND_ROBIN, HUNDRED_CONNECTIONS, FIVE_XX_3, MUTUAL, port(9080, RANDOM, null));
    DestinationPolicies p = DestinationPolicies.of(rule(top));
    EffectivePolicy onPort = p.policy(null, 9080);
    assertThat(onPort.loadBalancer()).isEqualTo(RANDOM);
    // Not inherited from the top level: Istio's defaults instead.
    assertThat(onPort.pool()).isEqualTo(PoolConfig.ofDefaults());
    assertThat(onPort.outlier()).isNull();
    assertThat(onPort.tls()).isNull();
    EffectivePolicy otherPort = p.policy(null, 9443);
    assertThat(otherPort.loadBalancer()).isEqualTo(ROUND_ROBIN);
    assertThat(otherPort.pool().maxConnections()).isEqualTo(100);
  }

  @Test
  void aSubsetOverridesTheTopLevelPortSettingsWhereItSetsSomething() {
    TrafficPolicy top = policy(ROUND_ROBIN, HUNDRED_CONNECTIONS, null, null, port(9080, RANDOM, TEN_CONNECTIONS));
    Subset v1 = new Subset("v1", Map.of(), policy(null, null, FIVE_XX_3, null));
    EffectivePolicy e = DestinationPolicies.of(rule(top, v1)).policy("v1", 9080);
    assertThat(e.loadBalancer()).isEqualTo(RANDOM);
    assertThat(e.pool().maxConnections()).isEqualTo(10);
    assertThat(e.outlierDetection()).isEqualTo(FIVE_XX_3);
  }

  @Test
  void aSubsetsPortSettingsReplaceAllFourSettingsForTheirPort() {
    TrafficPolicy top = policy(ROUND_ROBIN, HUNDRED_CONNECTIONS, FIVE_XX_3, MUTUAL);
    Subset v1 = new Subset("v1", Map.of(), policy(lb(SimpleLb.LEAST_REQUEST), TEN_CONNECTIONS, null, null, port(9080, RANDOM, null)));
    DestinationPolicies p = DestinationPolicies.of(rule(top, v1));
    EffectivePolicy onPort = p.policy("v1", 9080);
    assertThat(onPort.loadBalancer()).isEqualTo(RANDOM);
    assertThat(onPort.connectionPool()).isNull();
    assertThat(onPort.outlierDetection()).isNull();
    assertThat(onPort.tls()).isNull();
    EffectivePolicy otherPort = p.policy("v1", 8080);
    assertThat(otherPort.loadBalancer()).isEqualTo(lb(SimpleLb.LEAST_REQUEST));
    assertThat(otherPort.pool().maxConnections()).isEqualTo(10);
    assertThat(otherPort.outlierDetection()).isEqualTo(FIVE_XX_3);
    assertThat(otherPort.tls()).isEqualTo(MUTUAL);
  }

  @Test
  void anUnknownSubsetHasNoPolicyAndNoRuleGivesTheDefaults() {
    DestinationPolicies p = DestinationPolicies.of(rule(null, new Subset("v1", Map.of("version", "v1"), null)));
    assertThat(p.policy("v3", 9080)).isNull();
    assertThat(p.policy("v1", 9080).pool()).isEqualTo(PoolConfig.ofDefaults());
    assertThat(DestinationPolicies.of(null).policy(null, 9080)).isSameAs(EffectivePolicy.DEFAULT);
    assertThat(EffectivePolicy.DEFAULT.loadBalancer()).isNull(); // LEAST_REQUEST, Istio's default
    assertThat(EffectivePolicy.DEFAULT.outlier()).isNull();
    // The same object each time: compiled once, never merged per request.
    assertThat(p.policy("v1", 9080)).isSameAs(p.policy("v1", 9081));
  }

  @Test
  void badRulesAreRefusedNamingTheRuleSubsetAndPort() {
    Subset v1 = new Subset("v1", Map.of(), null);
    assertThatThrownBy(() -> DestinationPolicies.of(rule(null, v1, v1)))
        .hasMessage("DestinationRule reviews: spec.subsets[1].name: v1 (expected: unique among subsets)");
    TrafficPolicy top = new TrafficPolicy(null, null, null, null,
        List.of(new PortTrafficPolicy(new PortSelector(9080), null, null,
            new OutlierDetection(null, null, null, null, null, Duration.ZERO, null, null, null), null)),
        null, null, null);
    assertThatThrownBy(() -> DestinationPolicies.of(rule(top)))
        .hasMessage("DestinationRule reviews: port 9080: outlierDetection.interval: PT0S (expected: > 0)");
  }

  @Test
  void theMergeKeepsTunnelAndRetryBudgetUnlessTheSubsetSetsThem() {
    TrafficPolicy.RetryBudget budget = new TrafficPolicy.RetryBudget(20.0, 3, null);
    TrafficPolicy top = new TrafficPolicy(null, null, null, null, List.of(), null, null, budget);
    TrafficPolicy merged = TrafficPolicyMerger.merge(top, policy(RANDOM, null, null, null), 9080);
    assertThat(merged.retryBudget()).isEqualTo(budget);
    assertThat(merged.loadBalancer()).isEqualTo(RANDOM);
    assertThat(TrafficPolicyMerger.merge(null, null, 9080)).isNull();
  }
}
