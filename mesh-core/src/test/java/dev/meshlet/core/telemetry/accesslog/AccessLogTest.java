package dev.meshlet.core.telemetry.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshlet.core.telemetry.CallRecord;
import dev.meshlet.core.telemetry.CapturingLogger;
import dev.meshlet.core.telemetry.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class AccessLogTest {
  final CapturingLogger logger = new CapturingLogger("meshlet.access", Level.INFO);

  @Test
  void aCallIsOneLineInIstiosDefaultTextFormatWithTheTraceIdLast() {
    AccessLog.create(AccessLogConfig.text(), logger).log(Fixtures.okCall(Fixtures.clientSide()).build());

    assertThat(logger.lines)
        .containsExactly(
            "[2025-11-25T19:46:40.123Z] \"GET /reviews/0 HTTP/1.1\" 200 - via_upstream - \"-\" 120 1500 3 3"
                + " \"-\" \"okhttp/5.5.1\" \"7e6a1c2e-5d4f-4f3e-9a61-5e1f0c2b7d11\" \"reviews:9080\""
                + " \"10.0.0.7:9080\" outbound|9080|v2|reviews.default.svc.cluster.local 10.0.0.5:51234"
                + " 10.0.0.5:0 10.0.0.5:0 - reviews 4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(logger.levels).containsExactly(Level.INFO);
  }

  @Test
  void theTextLineHasIstiosFieldsInIstiosOrder() {
    String line = AccessLogFormatter.text(Fixtures.okCall(Fixtures.clientSide()).build());

    // Istio's default format, split as a log parser splits it: quoted fields are one token.
    List<String> tokens = tokens(line);
    assertThat(tokens).hasSize(23);
    assertThat(tokens.get(0)).as("START_TIME").isEqualTo("[2025-11-25T19:46:40.123Z]");
    assertThat(tokens.get(1)).as("request line").isEqualTo("\"GET /reviews/0 HTTP/1.1\"");
    assertThat(tokens.get(2)).as("RESPONSE_CODE").isEqualTo("200");
    assertThat(tokens.get(3)).as("RESPONSE_FLAGS").isEqualTo("-");
    assertThat(tokens.get(4)).as("RESPONSE_CODE_DETAILS").isEqualTo("via_upstream");
    assertThat(tokens.get(7)).as("BYTES_RECEIVED").isEqualTo("120");
    assertThat(tokens.get(8)).as("BYTES_SENT").isEqualTo("1500");
    assertThat(tokens.get(9)).as("DURATION").isEqualTo("3");
    assertThat(tokens.get(15)).as("UPSTREAM_HOST").isEqualTo("\"10.0.0.7:9080\"");
    assertThat(tokens.get(16)).as("UPSTREAM_CLUSTER").isEqualTo("outbound|9080|v2|reviews.default.svc.cluster.local");
    assertThat(tokens.get(21)).as("ROUTE_NAME").isEqualTo("reviews");
    assertThat(tokens.get(22)).as("TRACE_ID").isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void aFailedCallCarriesItsResponseFlagAndWhatIsNotKnownIsADash() {
    CallRecord failed =
        CallRecord.builder(Fixtures.clientSide())
            .startEpochMillis(0)
            .request("GET", "/reviews/0", "HTTP/1.1")
            .responseCode(503)
            .responseFlags("UF,URX")
            .responseCodeDetails("upstream_reset_before_response_started{connection_failure}")
            .upstreamTransportFailureReason("connection refused")
            .durationNanos(12_900_000)
            .build();

    AccessLog.create(AccessLogConfig.text(), logger).log(failed);

    assertThat(logger.lines)
        .containsExactly(
            "[1970-01-01T00:00:00.000Z] \"GET /reviews/0 HTTP/1.1\" 503 UF,URX"
                + " upstream_reset_before_response_started{connection_failure} -"
                + " \"connection refused\" 0 0 12 - \"-\" \"-\" \"-\" \"-\" \"-\" - - - - - - -");
  }

  @Test
  void theJsonLineHasIstiosKeysAndNullForWhatIsNotKnown() throws Exception {
    AccessLog.create(AccessLogConfig.json(), logger).log(Fixtures.okCall(Fixtures.serverSide()).build());

    assertThat(logger.lines).hasSize(1);
    String line = logger.lines.get(0);
    assertThat(line).doesNotContain("\n");
    JsonNode json = new ObjectMapper().readTree(line);
    List<String> keys = new ArrayList<>();
    json.fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .containsExactly(
            "start_time", "route_name", "method", "path", "protocol", "response_code", "response_flags",
            "response_code_details", "connection_termination_details", "bytes_received", "bytes_sent",
            "duration", "upstream_service_time", "x_forwarded_for", "user_agent", "request_id",
            "authority", "upstream_host", "upstream_cluster", "upstream_local_address",
            "downstream_local_address", "downstream_remote_address", "requested_server_name",
            "upstream_transport_failure_reason", "trace_id");
    assertThat(json.get("start_time").asText()).isEqualTo("2025-11-25T19:46:40.123Z");
    assertThat(json.get("response_code").isInt()).isTrue();
    assertThat(json.get("response_code").asInt()).isEqualTo(200);
    assertThat(json.get("response_flags").asText()).isEqualTo("-");
    assertThat(json.get("bytes_received").asLong()).isEqualTo(120);
    assertThat(json.get("bytes_sent").asLong()).isEqualTo(1500);
    assertThat(json.get("duration").asLong()).isEqualTo(3);
    assertThat(json.get("upstream_service_time").asText()).isEqualTo("3");
    assertThat(json.get("x_forwarded_for").isNull()).isTrue();
    assertThat(json.get("requested_server_name").isNull()).isTrue();
    assertThat(json.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void aHeaderValueCannotForgeALogLine() throws Exception {
    CallRecord evil =
        Fixtures.okCall(Fixtures.serverSide())
            .userAgent("curl\n[2025-01-01T00:00:00.000Z] \"GET /admin HTTP/1.1\" 200")
            .build();

    String text = AccessLogFormatter.text(evil);
    String json = AccessLogFormatter.json(evil);

    assertThat(text).doesNotContain("\n").contains("\"curl\\x0a[2025-01-01T00:00:00.000Z] \\\"GET /admin");
    assertThat(json).doesNotContain("\n");
    assertThat(new ObjectMapper().readTree(json).get("user_agent").asText()).isEqualTo(evil.userAgent());
  }

  @Test
  void nothingIsWrittenWhenTheLogIsOffOrTheLoggerDropsInfo() {
    CapturingLogger warnOnly = new CapturingLogger("meshlet.access", Level.WARN);

    AccessLog.create(AccessLogConfig.DISABLED, logger).log(Fixtures.okCall(Fixtures.clientSide()).build());
    AccessLog quiet = AccessLog.create(AccessLogConfig.text(), warnOnly);
    quiet.log(Fixtures.okCall(Fixtures.clientSide()).build());

    assertThat(logger.lines).isEmpty();
    assertThat(warnOnly.lines).isEmpty();
    assertThat(quiet.isEnabled()).isFalse();
  }

  @Test
  void theDefaultIsOffAndLogsToMeshletAccess() {
    assertThat(AccessLogConfig.ofDefaults().enabled()).isFalse();
    assertThat(AccessLogConfig.text().loggerName()).isEqualTo("meshlet.access");
    assertThat(AccessLogConfig.json().format()).isEqualTo(AccessLogFormat.JSON);
  }

  /** Splits a line at spaces outside quotes and brackets. */
  private static List<String> tokens(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && quoted && i + 1 < line.length()) {
        cur.append(c).append(line.charAt(++i));
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ' ' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
