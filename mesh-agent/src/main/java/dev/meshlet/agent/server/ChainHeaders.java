package dev.meshlet.agent.server;

import dev.meshlet.agent.context.RequestScope;
import dev.meshlet.tls.authz.RequestHeaders;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The headers the inbound chain reads of every request: the trace context {@link RequestScope}
 * carries, the caller's {@link PeerMetadata} and its deadline. Read in one pass over the request's
 * headers when the adapter can list them ({@link RequestHeaders#forEach}), rather than one
 * case-insensitive scan of all of them per name; a header sent twice is joined with {@code ","}
 * as {@link RequestHeaders#get} answers it.
 */
final class ChainHeaders implements BiConsumer<String, String> {

  private static final List<String> NAMES = names();
  private static final int PEER_METADATA = RequestScope.PROPAGATED_HEADERS.size();
  private static final int DEADLINE = PEER_METADATA + 1;
  /** Slots by name length: most header names are rejected on their length alone. */
  private static final int[][] BY_LENGTH = byLength();

  private final @Nullable String[] values = new String[NAMES.size()];
  private int traceCount;

  private ChainHeaders() {}

  static ChainHeaders read(RequestHeaders headers) {
    ChainHeaders read = new ChainHeaders();
    if (!headers.forEach(read)) {
      for (int i = 0; i < read.values.length; i++) {
        read.values[i] = headers.get(NAMES.get(i));
      }
    }
    for (int i = 0; i < PEER_METADATA; i++) {
      if (read.values[i] != null) {
        read.traceCount++;
      }
    }
    return read;
  }

  @Override
  public void accept(String name, @Nullable String value) {
    int length = name.length();
    if (value == null || length >= BY_LENGTH.length) {
      return;
    }
    for (int slot : BY_LENGTH[length]) {
      if (NAMES.get(slot).equalsIgnoreCase(name)) {
        String previous = values[slot];
        values[slot] = previous == null ? value : previous + "," + value;
        return;
      }
    }
  }

  /** The trace context headers that came, lower-case names; immutable, so scope and telemetry share it. */
  Map<String, String> trace() {
    if (traceCount == 0) {
      return Map.of();
    }
    @SuppressWarnings("unchecked")
    Map.Entry<String, String>[] entries = new Map.Entry[traceCount];
    int n = 0;
    for (int i = 0; i < PEER_METADATA; i++) {
      String value = values[i];
      if (value != null) {
        entries[n++] = Map.entry(NAMES.get(i), value);
      }
    }
    return Map.ofEntries(entries);
  }

  /** The caller's {@link PeerMetadata#HEADER}, null when it sent none. */
  @Nullable String peerMetadata() {
    return values[PEER_METADATA];
  }

  /** The caller's {@link InboundHeaders#DEADLINE_MS}, null when it sent none. */
  @Nullable String deadline() {
    return values[DEADLINE];
  }

  private static List<String> names() {
    java.util.ArrayList<String> names = new java.util.ArrayList<>(RequestScope.PROPAGATED_HEADERS);
    names.add(PeerMetadata.HEADER);
    names.add(InboundHeaders.DEADLINE_MS);
    return List.copyOf(names);
  }

  private static int[][] byLength() {
    int max = 0;
    for (String name : NAMES) {
      max = Math.max(max, name.length());
    }
    int[][] byLength = new int[max + 1][];
    for (int length = 0; length <= max; length++) {
      int len = length;
      byLength[length] = java.util.stream.IntStream.range(0, NAMES.size())
          .filter(i -> NAMES.get(i).length() == len).toArray();
    }
    return byLength;
  }
}
