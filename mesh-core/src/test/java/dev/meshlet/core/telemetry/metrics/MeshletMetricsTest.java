package dev.meshlet.core.telemetry.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class MeshletMetricsTest {
  static final String CLUSTER = "outbound|9080|v2|reviews.default.svc.cluster.local";

  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final MeshletMetrics metrics = MeshletMetrics.create(registry);

  @Test
  void machineryScrapesInIstiosStyle() {
    metrics.retry(CLUSTER);
    metrics.retry(CLUSTER);
    metrics.ejection(CLUSTER);
    metrics.ejectedHosts(CLUSTER, 1);
    metrics.poolOverflow(CLUSTER);
    metrics.authzDenied("default/deny-delete");
    metrics.configVersion(17);
    metrics.certificateExpiry("spiffe://cluster.local/ns/default/sa/bookinfo-reviews", 1_764_186_400L);

    String scrape = registry.scrape();
    String c = "{cluster_name=\"" + CLUSTER + "\"}";
    assertThat(scrape)
        .contains("# TYPE meshlet_retries_total counter\n")
        .contains("meshlet_retries_total" + c + " 2.0\n")
        .contains("meshlet_outlier_ejections_total" + c + " 1.0\n")
        .contains("# TYPE meshlet_outlier_ejected_hosts gauge\n")
        .contains("meshlet_outlier_ejected_hosts" + c + " 1.0\n")
        .contains("meshlet_pool_overflows_total" + c + " 1.0\n")
        .contains("meshlet_authz_denied_total{policy=\"default/deny-delete\"} 1.0\n")
        .contains("# TYPE meshlet_config_version gauge\n")
        .contains("meshlet_config_version 17.0\n")
        .contains("# TYPE meshlet_certificate_expiry_timestamp_seconds gauge\n")
        .contains(
            "meshlet_certificate_expiry_timestamp_seconds{identity=\"spiffe://cluster.local/ns/default/sa/bookinfo-reviews\"} 1.7641864E9\n");
  }

  @Test
  void gaugesFollowTheLatestValueAndCountersAreCreatedOncePerCluster() {
    metrics.ejectedHosts(CLUSTER, 3);
    metrics.ejectedHosts(CLUSTER, 0);
    metrics.configVersion(1);
    metrics.configVersion(2);
    metrics.retry(CLUSTER);
    metrics.retry("outbound|9080|v1|reviews.default.svc.cluster.local");

    assertThat(registry.get("meshlet_outlier_ejected_hosts").tag("cluster_name", CLUSTER).gauge().value()).isZero();
    assertThat(registry.get("meshlet_config_version").gauge().value()).isEqualTo(2.0);
    assertThat(registry.get("meshlet_retries_total").counters()).hasSize(2);
  }
}
