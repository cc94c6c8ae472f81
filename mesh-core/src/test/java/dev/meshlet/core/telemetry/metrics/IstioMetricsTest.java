package dev.meshlet.core.telemetry.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.telemetry.CallRecord;
import dev.meshlet.core.telemetry.Fixtures;
import dev.meshlet.core.telemetry.RequestProtocol;
import dev.meshlet.core.telemetry.ServiceLabels;
import dev.meshlet.core.telemetry.TrafficLabels;
import dev.meshlet.core.telemetry.WorkloadLabels;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IstioMetricsTest {
  /** The label names of Istio's standard HTTP metrics, from Istio's metric reference. */
  static final List<String> ISTIO_LABELS =
      List.of(
          "reporter",
          "source_workload",
          "source_workload_namespace",
          "source_principal",
          "source_app",
          "source_version",
          "source_canonical_service",
          "source_canonical_revision",
          "source_cluster",
          "destination_workload",
          "destination_workload_namespace",
          "destination_principal",
          "destination_app",
          "destination_version",
          "destination_service",
          "destination_service_name",
          "destination_service_namespace",
          "destination_canonical_service",
          "destination_canonical_revision",
          "destination_cluster",
          "request_protocol",
          "response_code",
          "response_flags",
          "connection_security_policy",
          "grpc_response_status");

  /** Envoy's default buckets, which Istio's histograms use, as Envoy writes them. */
  static final List<String> ISTIO_LE =
      List.of(
          "0.5", "1", "5", "10", "25", "50", "100", "250", "500", "1000", "2500", "5000", "10000",
          "30000", "60000", "300000", "600000", "1800000", "3600000");

  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final IstioMetrics metrics = IstioMetrics.create(registry);

  /** The whole scrape: this registry holds only Istio's metrics. */
  String istioScrape() {
    return registry.scrape();
  }

  @Test
  void oneCallScrapesAsIstiosTextExactly() {
    metrics.record(Fixtures.okCall(Fixtures.clientSide()).build());

    // What Istio's client sidecar in productpage-v1 reports for a 200 from reviews-v2 over mTLS.
    String labels =
        "connection_security_policy=\"unknown\","
            + "destination_app=\"reviews\","
            + "destination_canonical_revision=\"v2\","
            + "destination_canonical_service=\"reviews\","
            + "destination_cluster=\"Kubernetes\","
            + "destination_principal=\"spiffe://cluster.local/ns/default/sa/bookinfo-reviews\","
            + "destination_service=\"reviews.default.svc.cluster.local\","
            + "destination_service_name=\"reviews\","
            + "destination_service_namespace=\"default\","
            + "destination_version=\"v2\","
            + "destination_workload=\"reviews-v2\","
            + "destination_workload_namespace=\"default\","
            + "grpc_response_status=\"\","
            + "reporter=\"source\","
            + "request_protocol=\"http\","
            + "response_code=\"200\","
            + "response_flags=\"-\","
            + "source_app=\"productpage\","
            + "source_canonical_revision=\"v1\","
            + "source_canonical_service=\"productpage\","
            + "source_cluster=\"Kubernetes\","
            + "source_principal=\"spiffe://cluster.local/ns/default/sa/bookinfo-productpage\","
            + "source_version=\"v1\","
            + "source_workload=\"productpage-v1\","
            + "source_workload_namespace=\"default\"";
    // Micrometer's exposition writes a boundary as a Java double ("1.0" where Envoy writes "1");
    // Prometheus parses both to the same number (and 3.x stores both as "1.0").
    List<String> le =
        List.of(
            "0.5", "1.0", "5.0", "10.0", "25.0", "50.0", "100.0", "250.0", "500.0", "1000.0",
            "2500.0", "5000.0", "10000.0", "30000.0", "60000.0", "300000.0", "600000.0",
            "1800000.0", "3600000.0");

    String expected =
        histogram("istio_request_bytes", "Sizes of requests in bytes.", labels, le, 120, "120.0")
            + histogram(
                "istio_request_duration_milliseconds",
                "Duration of requests in milliseconds.",
                labels,
                le,
                3.2,
                "3.2")
            + "# HELP istio_requests_total Requests handled, counted as Istio's proxy counts them.\n"
            + "# TYPE istio_requests_total counter\n"
            + "istio_requests_total{"
            + labels
            + "} 1.0\n"
            + histogram("istio_response_bytes", "Sizes of responses in bytes.", labels, le, 1500, "1500.0");

    assertThat(istioScrape()).isEqualTo(expected);
  }

  /** Istio's histogram text for one recorded value, with Micrometer's extra {@code _max} gauge. */
  private static String histogram(
      String name, String help, String labels, List<String> le, double value, String formatted) {
    StringBuilder b = new StringBuilder();
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" histogram\n");
    for (String bound : le) {
      int count = value <= Double.parseDouble(bound) ? 1 : 0;
      b.append(name).append("_bucket{").append(labels).append(",le=\"").append(bound).append("\"} ")
          .append(count).append('\n');
    }
    b.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} 1\n");
    b.append(name).append("_count{").append(labels).append("} 1\n");
    b.append(name).append("_sum{").append(labels).append("} ").append(formatted).append('\n');
    b.append("# HELP ").append(name).append("_max ").append(help).append('\n');
    b.append("# TYPE ").append(name).append("_max gauge\n");
    b.append(name).append("_max{").append(labels).append("} ").append(formatted).append('\n');
    return b.toString();
  }

  @Test
  void everySeriesCarriesExactlyIstiosLabelNames() {
    metrics.record(Fixtures.okCall(Fixtures.clientSide()).build());
    metrics.record(Fixtures.okCall(Fixtures.serverSide()).responseCode(503).responseFlags("UF,URX").build());

    Pattern series = Pattern.compile("^(istio_[a-z_]+)\\{([^}]*)\\}", Pattern.MULTILINE);
    Matcher m = series.matcher(istioScrape());
    int seen = 0;
    while (m.find()) {
      Set<String> names =
          Arrays.stream(m.group(2).split(",(?=[a-z_]+=\")"))
              .map(kv -> kv.substring(0, kv.indexOf('=')))
              .collect(Collectors.toCollection(TreeSet::new));
      names.remove("le");
      assertThat(names).as(m.group(1)).containsExactlyInAnyOrderElementsOf(ISTIO_LABELS);
      seen++;
    }
    assertThat(seen).isGreaterThan(0);
  }

  @Test
  void histogramBoundariesAreEnvoysDefaultBuckets() {
    metrics.record(Fixtures.okCall(Fixtures.clientSide()).build());

    for (String histogram :
        List.of("istio_request_duration_milliseconds", "istio_request_bytes", "istio_response_bytes")) {
      Matcher m = Pattern.compile("^" + histogram + "_bucket\\{.*le=\"([^\"]+)\"\\}", Pattern.MULTILINE)
          .matcher(istioScrape());
      List<Double> bounds = new java.util.ArrayList<>();
      while (m.find()) {
        bounds.add(m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)));
      }
      List<Double> expected = new java.util.ArrayList<>(ISTIO_LE.stream().map(Double::parseDouble).toList());
      expected.add(Double.POSITIVE_INFINITY);
      assertThat(bounds).as(histogram).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void durationIsRecordedInMillisecondsAndSizesInBytes() {
    CallMeters meters = metricsOf(Fixtures.clientSide(), 200);
    metrics.record(Fixtures.okCall(Fixtures.clientSide()).durationNanos(1_500_000_000L).build());

    assertThat(meters.durationMillis().totalAmount()).isEqualTo(1500.0);
    assertThat(meters.requestBytes().totalAmount()).isEqualTo(120.0);
    assertThat(meters.responseBytes().totalAmount()).isEqualTo(1500.0);
    assertThat(meters.requests().count()).isEqualTo(1.0);
  }

  @Test
  void metersAreCachedPerLabelSet() {
    CallMeters ok = metricsOf(Fixtures.clientSide(), 200);

    assertThat(metricsOf(Fixtures.clientSide(), 200)).as("an equal label set").isSameAs(ok);
    assertThat(metricsOf(Fixtures.clientSide(), 503)).as("another code").isNotSameAs(ok);
    assertThat(metricsOf(Fixtures.serverSide(), 200)).as("the other reporter").isNotSameAs(ok);
    CallMeters flagged =
        metrics.meters(Fixtures.clientSide(), RequestProtocol.HTTP, 503, "UF", -1);
    assertThat(metrics.meters(Fixtures.clientSide(), RequestProtocol.HTTP, 503, "UF", -1))
        .as("the same flags again")
        .isSameAs(flagged);
    assertThat(metrics.meters(Fixtures.clientSide(), RequestProtocol.GRPC, 200, "-", 14))
        .as("gRPC with a status")
        .isNotSameAs(ok)
        .isSameAs(metrics.meters(Fixtures.clientSide(), RequestProtocol.GRPC, 200, "-", 14));
    assertThat(metrics.seriesCount()).isEqualTo(5);
  }

  @Test
  void aPeerWithoutMeshMetadataIsReportedAsIstioReportsAnUnknownPeer() {
    TrafficLabels labels =
        TrafficLabels.destination(
            WorkloadLabels.UNKNOWN_PEER,
            Fixtures.reviews(),
            ServiceLabels.ofHost("reviews.default.svc.cluster.local"),
            false);
    metrics.record(CallRecord.builder(labels).responseCode(200).build());

    String scrape = istioScrape();
    assertThat(scrape)
        .contains("source_workload=\"unknown\"")
        .contains("source_workload_namespace=\"unknown\"")
        .contains("source_principal=\"unknown\"")
        .contains("source_app=\"unknown\"")
        .contains("source_version=\"unknown\"")
        .contains("source_canonical_service=\"unknown\"")
        .contains("source_canonical_revision=\"latest\"")
        .contains("source_cluster=\"unknown\"")
        .contains("destination_principal=\"unknown\"")
        .contains("connection_security_policy=\"none\"")
        .contains("reporter=\"destination\"");
  }

  @Test
  void grpcCallsCarryTheirStatusAndFlaggedCallsTheirFlags() {
    metrics.record(
        Fixtures.okCall(Fixtures.serverSide()).protocol(RequestProtocol.GRPC).grpcStatus(14).build());
    metrics.record(Fixtures.okCall(Fixtures.clientSide()).responseCode(503).responseFlags("UO").build());

    String scrape = istioScrape();
    assertThat(scrape)
        .contains("grpc_response_status=\"14\",reporter=\"destination\",request_protocol=\"grpc\"")
        .contains("connection_security_policy=\"mutual_tls\"")
        .contains("response_code=\"503\",response_flags=\"UO\"");
  }

  @Test
  void pastTheLabelSetLimitCallsAreNotRecorded() {
    IstioMetrics small = IstioMetrics.create(registry, 2);

    assertThat(small.record(Fixtures.okCall(Fixtures.clientSide()).responseCode(200).build())).isTrue();
    assertThat(small.record(Fixtures.okCall(Fixtures.clientSide()).responseCode(201).build())).isTrue();
    assertThat(small.record(Fixtures.okCall(Fixtures.clientSide()).responseCode(202).build())).isFalse();
    assertThat(small.record(Fixtures.okCall(Fixtures.clientSide()).responseCode(200).build()))
        .as("a label set it already has")
        .isTrue();
    assertThat(small.seriesCount()).isEqualTo(2);
  }

  private CallMeters metricsOf(TrafficLabels labels, int code) {
    CallMeters m = metrics.meters(labels, RequestProtocol.HTTP, code, CallRecord.NO_FLAGS, -1);
    assertThat(m).isNotNull();
    return m;
  }
}
