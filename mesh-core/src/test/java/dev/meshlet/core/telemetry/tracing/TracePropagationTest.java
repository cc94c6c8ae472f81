package dev.meshlet.core.telemetry.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TracePropagationTest {
  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN_ID = "00f067aa0ba902b7";

  static Context sampledContext() {
    SpanContext sc =
        SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault());
    return Context.root()
        .with(Span.wrap(sc))
        .with(Baggage.builder().put("tenant", "acme").build());
  }

  static Map<String, String> inject(TracePropagation propagation, Context context) {
    Map<String, String> headers = new LinkedHashMap<>();
    propagation.inject(context, headers::put);
    return headers;
  }

  static SpanContext extracted(TracePropagation propagation, Map<String, String> headers) {
    return Span.fromContext(propagation.extract(Context.root(), headers)).getSpanContext();
  }

  @Test
  void byDefaultWritesW3cTraceContextBaggageAndB3MultiHeader() {
    Map<String, String> headers = inject(TracePropagation.ofDefaults(), sampledContext());

    assertThat(headers)
        .containsEntry("traceparent", "00-" + TRACE_ID + "-" + SPAN_ID + "-01")
        .containsEntry("baggage", "tenant=acme")
        .containsEntry("x-b3-traceid", TRACE_ID)
        .containsEntry("x-b3-spanid", SPAN_ID)
        .containsEntry("x-b3-sampled", "1")
        .doesNotContainKey("b3");
  }

  @Test
  void w3cTraceContextAndBaggageRoundTrip() {
    TracePropagation w3c =
        TracePropagation.injecting(
            EnumSet.of(PropagationFormat.W3C_TRACE_CONTEXT, PropagationFormat.W3C_BAGGAGE));
    Map<String, String> headers = inject(w3c, sampledContext());

    assertThat(headers).containsOnlyKeys("traceparent", "baggage");
    Context back = w3c.extract(Context.root(), headers);
    SpanContext sc = Span.fromContext(back).getSpanContext();
    assertThat(sc.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(sc.getSpanId()).isEqualTo(SPAN_ID);
    assertThat(sc.isSampled()).isTrue();
    assertThat(sc.isRemote()).isTrue();
    assertThat(Baggage.fromContext(back).getEntryValue("tenant")).isEqualTo("acme");
  }

  @Test
  void b3SingleHeaderRoundTrips() {
    TracePropagation b3 = TracePropagation.injecting(EnumSet.of(PropagationFormat.B3_SINGLE));
    Map<String, String> headers = inject(b3, sampledContext());

    assertThat(headers).containsOnlyKeys("b3");
    assertThat(headers.get("b3")).isEqualTo(TRACE_ID + "-" + SPAN_ID + "-1");
    SpanContext sc = extracted(b3, headers);
    assertThat(sc.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(sc.getSpanId()).isEqualTo(SPAN_ID);
    assertThat(sc.isSampled()).isTrue();
  }

  @Test
  void b3MultiHeaderRoundTrips() {
    TracePropagation b3 = TracePropagation.injecting(EnumSet.of(PropagationFormat.B3_MULTI));
    Map<String, String> headers = inject(b3, sampledContext());

    // Lower case, as HTTP/2 sends them and as the served request's scope looks them up.
    assertThat(headers).containsOnlyKeys("x-b3-traceid", "x-b3-spanid", "x-b3-sampled");
    SpanContext sc = extracted(b3, headers);
    assertThat(sc.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(sc.getSpanId()).isEqualTo(SPAN_ID);
    assertThat(sc.isSampled()).isTrue();
  }

  @Test
  void readsWhatEnvoyWritesInLowerCaseB3Headers() {
    // HTTP/2 and Envoy send header names in lower case.
    Map<String, String> envoy =
        Map.of(
            "x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7",
            "x-b3-spanid", "e457b5a2e4d86bd1",
            "x-b3-parentspanid", "05e3ac9a4f6e3b90",
            "x-b3-sampled", "1",
            "x-request-id", "ignored");

    SpanContext sc = extracted(TracePropagation.ofDefaults(), envoy);

    assertThat(sc.getTraceId()).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
    assertThat(sc.getSpanId()).isEqualTo("e457b5a2e4d86bd1");
    assertThat(sc.isSampled()).isTrue();
  }

  @Test
  void aHeaderFunctionIsAskedForLowerCaseNames() {
    // What the server adapters hand over: a map of lower-case names read through a function.
    Map<String, String> inbound = Map.of("x-b3-traceid", TRACE_ID, "x-b3-spanid", SPAN_ID, "x-b3-sampled", "1");
    SpanContext sc = Span.fromContext(TracePropagation.ofDefaults().extract(Context.root(), inbound::get))
        .getSpanContext();

    assertThat(sc.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(sc.getSpanId()).isEqualTo(SPAN_ID);
  }

  @Test
  void readsEachFormatWhicheverItWrites() {
    TracePropagation onlyW3c =
        TracePropagation.injecting(EnumSet.of(PropagationFormat.W3C_TRACE_CONTEXT));

    SpanContext fromSingle =
        extracted(onlyW3c, Map.of("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1"));
    SpanContext fromMulti =
        extracted(
            onlyW3c,
            Map.of("X-B3-TraceId", "80f198ee56343ba864fe8b2a57d3eff7", "X-B3-SpanId", "e457b5a2e4d86bd1"));
    SpanContext fromW3c =
        extracted(
            onlyW3c,
            Map.of("traceparent", "00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-00"));

    assertThat(fromSingle.getTraceId()).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
    assertThat(fromSingle.isSampled()).isTrue();
    assertThat(fromMulti.getTraceId()).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
    assertThat(fromMulti.getSpanId()).isEqualTo("e457b5a2e4d86bd1");
    assertThat(fromW3c.getTraceId()).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
    assertThat(fromW3c.isSampled()).isFalse();
  }

  @Test
  void w3cWinsWhenARequestCarriesBothFormats() {
    Map<String, String> both = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    both.put("traceparent", "00-" + TRACE_ID + "-" + SPAN_ID + "-01");
    both.put("X-B3-TraceId", "80f198ee56343ba864fe8b2a57d3eff7");
    both.put("X-B3-SpanId", "e457b5a2e4d86bd1");

    assertThat(extracted(TracePropagation.ofDefaults(), both).getTraceId()).isEqualTo(TRACE_ID);
  }

  @Test
  void aRequestWithoutTraceHeadersGivesNoSpanContext() {
    SpanContext sc = extracted(TracePropagation.ofDefaults(), Map.of("user-agent", "curl/8"));

    assertThat(sc.isValid()).isFalse();
  }

  @Test
  void injectionFormatsAreConfigurable() {
    TracePropagation b3Only =
        TracePropagation.injecting(EnumSet.of(PropagationFormat.B3_SINGLE, PropagationFormat.B3_MULTI));
    TracePropagation none = TracePropagation.injecting(EnumSet.noneOf(PropagationFormat.class));

    assertThat(inject(b3Only, sampledContext()))
        .containsKeys("b3", "x-b3-traceid")
        .doesNotContainKeys("traceparent", "baggage");
    assertThat(inject(none, sampledContext())).isEmpty();
    assertThat(b3Only.injectFormats())
        .containsExactlyInAnyOrder(PropagationFormat.B3_SINGLE, PropagationFormat.B3_MULTI);
  }

  @Test
  void extractingALowerCaseMapGivesTheSameContextAsTheFullExtractor() {
    String other = "0af7651916cd43dd8448eb211c80319c";
    String w3c = "00-" + TRACE_ID + "-" + SPAN_ID + "-01";
    List<Map<String, String>> requests = List.of(
        Map.of(),
        Map.of("x-request-id", "r1"),
        Map.of("traceparent", w3c),
        Map.of("traceparent", w3c, "tracestate", "vendor=x", "baggage", "tenant=acme"),
        Map.of("x-b3-traceid", other, "x-b3-spanid", SPAN_ID, "x-b3-sampled", "1"),
        // W3C wins over B3 when both come...
        Map.of("traceparent", w3c, "x-b3-traceid", other, "x-b3-spanid", SPAN_ID, "x-b3-sampled", "0"),
        // ...B3's debug flag still counts...
        Map.of("traceparent", w3c, "x-b3-traceid", other, "x-b3-spanid", SPAN_ID, "x-b3-flags", "1"),
        Map.of("traceparent", w3c, "b3", other + "-" + SPAN_ID + "-d"),
        Map.of("b3", other + "-" + SPAN_ID + "-1", "baggage", "a=b"),
        // ...and an unreadable traceparent leaves B3's span.
        Map.of("traceparent", "00-zz-" + SPAN_ID + "-01", "x-b3-traceid", other, "x-b3-spanid", SPAN_ID),
        Map.of("traceparent", "garbage"));
    TracePropagation propagation = TracePropagation.injecting(EnumSet.allOf(PropagationFormat.class));

    for (Map<String, String> headers : requests) {
      Context full = propagation.extract(Context.root(), headers::get);
      Context quick = propagation.extractLowerCase(Context.root(), headers);

      assertThat(Span.fromContext(quick).getSpanContext()).as("%s", headers)
          .isEqualTo(Span.fromContext(full).getSpanContext());
      assertThat(Baggage.fromContext(quick).asMap()).as("%s", headers).isEqualTo(Baggage.fromContext(full).asMap());
      // What a call made while serving would send on (the B3 debug flag included).
      assertThat(inject(propagation, quick)).as("%s", headers).isEqualTo(inject(propagation, full));
    }
  }
}
