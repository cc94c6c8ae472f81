package dev.meshlet.agent.server;

import dev.meshlet.agent.context.PropagatedHeaders;
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
  /** Per name length, the position whose character tells most of that length's names apart. */
  private static final int[] KEY_INDEX = keyIndex();
  /** Per slot, its name's character at {@link #KEY_INDEX} of its length (names are lower-case ASCII). */
  private static final char[] KEY_CHAR = keyChar();

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
    int[] slots = BY_LENGTH[length];
    if (slots.length == 0) {
      return;
    }
    // One character, lower-cased, tells the names of a length apart: most lines of that length are
    // rejected there, and a wanted one is compared exactly (clients send these names lower-case)
    // before ignoring case. A non-ASCII character takes the plain case-insensitive compare, which
    // folds it as before.
    char c = name.charAt(KEY_INDEX[length]);
    boolean ascii = c < 0x80;
    char lower = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    for (int slot : slots) {
      String wanted = NAMES.get(slot);
      if (ascii && KEY_CHAR[slot] != lower) {
        continue;
      }
      if (wanted.equals(name) || sameIgnoringCase(wanted, name)) {
        String previous = values[slot];
        values[slot] = previous == null ? value : previous + "," + value;
        return;
      }
    }
  }

  /**
   * Whether {@code name} is {@code wanted} (lower-case ASCII, of the same length) ignoring case:
   * ASCII letters compared by hand, as {@code equalsIgnoreCase} would answer for them without its
   * per-character case mapping; a non-ASCII character is left to {@code equalsIgnoreCase}, which
   * folds some of them to ASCII letters (U+017F to {@code s}).
   */
  private static boolean sameIgnoringCase(String wanted, String name) {
    for (int i = 0, n = wanted.length(); i < n; i++) {
      char c = name.charAt(i);
      char w = wanted.charAt(i);
      if (c == w || c >= 'A' && c <= 'Z' && c + ('a' - 'A') == w) {
        continue;
      }
      return c >= 0x80 && wanted.equalsIgnoreCase(name);
    }
    return true;
  }

  /** The trace context headers that came, lower-case names; immutable, so scope and telemetry share it. */
  Map<String, String> trace() {
    // The first slots are RequestScope.PROPAGATED_HEADERS', in its order, as PropagatedHeaders reads them.
    return traceCount == 0 ? Map.of() : PropagatedHeaders.of(values);
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
    for (String name : names) {
      // accept() compares against lower-case ASCII names.
      if (!name.chars().allMatch(c -> c < 0x80 && !Character.isUpperCase(c))) {
        throw new IllegalStateException("header name " + name + " (expected: lower-case ASCII)");
      }
    }
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

  private static int[] keyIndex() {
    int[] keyIndex = new int[BY_LENGTH.length];
    for (int length = 1; length < BY_LENGTH.length; length++) {
      int best = 0;
      long bestDistinct = 0;
      for (int i = 0; i < length; i++) {
        int at = i;
        long distinct = java.util.Arrays.stream(BY_LENGTH[length]).map(slot -> NAMES.get(slot).charAt(at)).distinct().count();
        if (distinct > bestDistinct) {
          best = i;
          bestDistinct = distinct;
        }
      }
      keyIndex[length] = best;
    }
    return keyIndex;
  }

  private static char[] keyChar() {
    char[] keyChar = new char[NAMES.size()];
    for (int slot = 0; slot < keyChar.length; slot++) {
      String name = NAMES.get(slot);
      keyChar[slot] = name.charAt(KEY_INDEX[name.length()]);
    }
    return keyChar;
  }
}
