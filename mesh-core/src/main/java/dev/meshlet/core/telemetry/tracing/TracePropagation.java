package dev.meshlet.core.telemetry.tracing;

import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads trace context in any format a mesh peer may send (W3C trace context, B3 single or multi
 * header, W3C baggage) and writes the formats it is configured with; by default W3C trace
 * context, W3C baggage and B3 multi-header, which Envoy's and Zipkin's tracers read.
 *
 * <p>When a request carries both W3C and B3 headers, W3C wins. Headers are read through a
 * function from a lower-case header name to its value (OkHttp's {@code Request::header}, the JDK
 * server's {@code getFirst}, a servlet's {@code getHeader}) and written through a setter
 * ({@code Request.Builder::header}), so this class needs no HTTP library.
 */
public final class TracePropagation {
  /** The formats written unless configured otherwise. */
  public static final Set<PropagationFormat> DEFAULT_INJECT_FORMATS =
      Set.copyOf(
          EnumSet.of(
              PropagationFormat.W3C_TRACE_CONTEXT,
              PropagationFormat.W3C_BAGGAGE,
              PropagationFormat.B3_MULTI));

  /**
   * Header names are written in lower case, as HTTP/2 sends them and as header maps keyed by
   * lower-case names (the served request's scope) look them up; B3's propagator writes
   * {@code X-B3-TraceId}. The known names are mapped without allocating.
   */
  private static final Map<String, String> LOWER_CASE =
      Map.of(
          "X-B3-TraceId", "x-b3-traceid",
          "X-B3-SpanId", "x-b3-spanid",
          "X-B3-ParentSpanId", "x-b3-parentspanid",
          "X-B3-Sampled", "x-b3-sampled",
          "X-B3-Flags", "x-b3-flags");

  private static final TextMapSetter<BiConsumer<String, String>> SETTER =
      (carrier, key, value) -> {
        if (carrier != null) {
          carrier.accept(lowerCase(key), value);
        }
      };

  private static String lowerCase(String name) {
    // Only B3's names need the map; the others asked for per request (traceparent, b3, baggage)
    // skip its lookup.
    if (name.startsWith("X-B3-")) {
      String known = LOWER_CASE.get(name);
      if (known != null) {
        return known;
      }
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isUpperCase(name.charAt(i))) {
        return name.toLowerCase(java.util.Locale.ROOT);
      }
    }
    return name;
  }

  /** Asks for lower-case names, as {@link #extract(Context, Function)} promises (B3 asks for {@code X-B3-TraceId}). */
  private static final TextMapGetter<Function<String, @Nullable String>> GETTER =
      (carrier, key) -> carrier == null ? null : carrier.apply(lowerCase(key));

  /** Reads a map keyed by lower-case names, as {@link #extractLowerCase} is given. */
  private static final TextMapGetter<Map<String, String>> LOWER_CASE_MAP_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(lowerCase(key));
        }
      };

  // The extractor's parts, in its order, for extractLowerCase.
  private static final TextMapPropagator B3_EXTRACTOR = B3Propagator.injectingMultiHeaders();
  private static final TextMapPropagator W3C_EXTRACTOR = W3CTraceContextPropagator.getInstance();
  private static final TextMapPropagator BAGGAGE_EXTRACTOR = W3CBaggagePropagator.getInstance();

  private final Set<PropagationFormat> injectFormats;
  private final TextMapPropagator injector;
  private final TextMapPropagator extractor;

  private TracePropagation(Set<PropagationFormat> injectFormats) {
    this.injectFormats = Set.copyOf(injectFormats);
    List<TextMapPropagator> injectors = new ArrayList<>();
    // A fixed order, so the headers come out the same whatever order the set iterates in.
    for (PropagationFormat f : PropagationFormat.values()) {
      if (injectFormats.contains(f)) {
        injectors.add(propagator(f));
      }
    }
    this.injector = TextMapPropagator.composite(injectors);
    // Later extractors overwrite earlier ones: B3 first, W3C last so that W3C wins.
    this.extractor =
        TextMapPropagator.composite(B3_EXTRACTOR, W3C_EXTRACTOR, BAGGAGE_EXTRACTOR);
  }

  /** Propagation that writes {@link #DEFAULT_INJECT_FORMATS}. */
  public static TracePropagation ofDefaults() {
    return new TracePropagation(DEFAULT_INJECT_FORMATS);
  }

  /** Propagation that writes the given formats (and reads all of them). */
  public static TracePropagation injecting(Collection<PropagationFormat> formats) {
    return new TracePropagation(formats.isEmpty() ? Set.of() : EnumSet.copyOf(formats));
  }

  /** The formats written. */
  public Set<PropagationFormat> injectFormats() {
    return injectFormats;
  }

  /** The header names this propagation may write, lower case. */
  public Set<String> fields() {
    return new LinkedHashSet<>(injector.fields());
  }

  /** Writes the trace context and baggage of {@code context} as headers. */
  public void inject(Context context, BiConsumer<String, String> setHeader) {
    injector.inject(context, setHeader, SETTER);
  }

  /**
   * Reads trace context and baggage from headers into a child of {@code parent}; {@code parent}
   * itself when the request carries none.
   */
  public Context extract(Context parent, Function<String, @Nullable String> header) {
    return extractor.extract(parent, header, GETTER);
  }

  /**
   * The same context as {@link #extract(Context, Function)}, from a request's trace headers read
   * already into a map keyed by lower-case names (the server's inbound chain does), doing only the
   * work that can change the answer: a format none of whose headers came is not read at all, and
   * B3 is not read when a valid W3C {@code traceparent} replaces the span B3 would set (W3C wins)
   * and no B3 header that can carry the debug flag ({@code b3}, {@code x-b3-flags}) came.
   */
  public Context extractLowerCase(Context parent, Map<String, String> headers) {
    if (headers.isEmpty()) {
      return parent;
    }
    boolean b3 = headers.containsKey("x-b3-traceid") || headers.containsKey("b3");
    Context context = parent;
    if (headers.containsKey("traceparent")) {
      Context w3c = W3C_EXTRACTOR.extract(parent, headers, LOWER_CASE_MAP_GETTER);
      boolean w3cSpan = Span.fromContextOrNull(w3c) != Span.fromContextOrNull(parent);
      if (w3cSpan && !headers.containsKey("b3") && !headers.containsKey("x-b3-flags")) {
        // B3 multi-header would only have set a span, which W3C's replaces.
        context = w3c;
      } else {
        if (b3) {
          context = B3_EXTRACTOR.extract(context, headers, LOWER_CASE_MAP_GETTER);
        }
        context = W3C_EXTRACTOR.extract(context, headers, LOWER_CASE_MAP_GETTER);
      }
    } else if (b3) {
      context = B3_EXTRACTOR.extract(context, headers, LOWER_CASE_MAP_GETTER);
    }
    if (headers.containsKey("baggage")) {
      context = BAGGAGE_EXTRACTOR.extract(context, headers, LOWER_CASE_MAP_GETTER);
    }
    return context;
  }

  /** Reads trace context from a header map whose names may be in any case. */
  public Context extract(Context parent, Map<String, String> headers) {
    return extract(parent, ignoringCase(headers));
  }

  /** The propagator writing these formats, for code that wants OpenTelemetry's own interface. */
  public TextMapPropagator injector() {
    return injector;
  }

  /** The propagator reading every format, for code that wants OpenTelemetry's own interface. */
  public TextMapPropagator extractor() {
    return extractor;
  }

  static Function<String, @Nullable String> ignoringCase(Map<String, String> headers) {
    return name -> {
      String v = headers.get(name);
      if (v != null) {
        return v;
      }
      for (Map.Entry<String, String> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue();
        }
      }
      return null;
    };
  }

  private static TextMapPropagator propagator(PropagationFormat format) {
    return switch (format) {
      case W3C_TRACE_CONTEXT -> W3CTraceContextPropagator.getInstance();
      case W3C_BAGGAGE -> W3CBaggagePropagator.getInstance();
      case B3_SINGLE -> B3Propagator.injectingSingleHeader();
      case B3_MULTI -> B3Propagator.injectingMultiHeaders();
    };
  }
}
