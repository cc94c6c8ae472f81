package dev.meshlet.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.tls.authz.RequestHeaders;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The chain's one-pass header read: names matched as a case-insensitive lookup would match them. */
class ChainHeadersTest {

  /** Header lines in order, listable as Jetty's and the JDK server's are. */
  private static RequestHeaders lines(String... nameValues) {
    return new RequestHeaders() {
      @Override
      public @Nullable String get(String lowerCaseName) {
        throw new AssertionError("listable headers are read in one pass, not asked by name");
      }

      @Override
      public boolean forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < nameValues.length; i += 2) {
          action.accept(nameValues[i], nameValues[i + 1]);
        }
        return true;
      }
    };
  }

  @Test
  void namesInAnyCaseMatch() {
    ChainHeaders read = ChainHeaders.read(lines(
        "TraceParent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "X-B3-TRACEID", "4bf92f3577b34da6a3ce929d0e0e4736",
        "x-b3-spanid", "00f067aa0ba902b7",
        "X-REQUEST-ID", "r1",
        "X-Meshlet-Peer-Metadata", "workload=a",
        "x-MESHLET-deadline-MS", "250"));

    assertThat(read.trace()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "x-b3-traceid", "4bf92f3577b34da6a3ce929d0e0e4736",
        "x-b3-spanid", "00f067aa0ba902b7",
        "x-request-id", "r1"));
    assertThat(read.peerMetadata()).isEqualTo("workload=a");
    assertThat(read.deadline()).isEqualTo("250");
  }

  @Test
  void aHeaderSentTwiceIsJoinedInOrder() {
    ChainHeaders read = ChainHeaders.read(lines("baggage", "a=1", "Host", "x", "Baggage", "b=2"));

    assertThat(read.trace()).isEqualTo(Map.of("baggage", "a=1,b=2"));
  }

  @Test
  void namesOfTheSameLengthThatDifferAreNotTaken() {
    // Same lengths as wanted names, other names: tracestate/x-b3-flags (10), x-b3-sampled (12),
    // traceparent/x-b3-spanid (11), x-meshlet-deadline-ms (21).
    ChainHeaders read = ChainHeaders.read(lines(
        "User-Agent", "okhttp", "Connection", "keep-alive", "Content-Type", "text/plain",
        "x-b3-sampler", "1", "traceparenx", "t", "x-meshlet-deadline-mx", "1", "b4", "x"));

    assertThat(read.trace()).isEmpty();
    assertThat(read.peerMetadata()).isNull();
    assertThat(read.deadline()).isNull();
  }

  @Test
  void aNameMatchesWhereverEqualsIgnoreCaseWould() {
    // U+017F (long s) is 's' ignoring case: the fast path must not reject what the lookup by name took.
    String longS = "x-b3-\u017Fampled";
    assertThat(longS.equalsIgnoreCase("x-b3-sampled")).isTrue();

    String dottedI = "X-Meshlet-Deadl\u0130ne-MS";
    assertThat(dottedI.equalsIgnoreCase("x-meshlet-deadline-ms")).isTrue();

    ChainHeaders read = ChainHeaders.read(lines(longS, "1", "TRACE\u017FTATE", "k=v", dottedI, "7",
        "x-b3-\u00E9ampled", "not s"));

    assertThat(read.trace()).isEqualTo(Map.of("x-b3-sampled", "1", "tracestate", "k=v"));
    assertThat(read.deadline()).isEqualTo("7");
  }

  @Test
  void headersThatCannotBeListedAreAskedByName() {
    ChainHeaders read = ChainHeaders.read(RequestHeaders.of(Map.of("B3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
        "x-meshlet-deadline-ms", "10")));

    assertThat(read.trace()).isEqualTo(Map.of("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"));
    assertThat(read.deadline()).isEqualTo("10");
    assertThat(read.peerMetadata()).isNull();
  }
}
