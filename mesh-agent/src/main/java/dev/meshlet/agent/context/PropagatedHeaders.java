package dev.meshlet.agent.context;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * An immutable map of a request's {@link RequestScope#PROPAGATED_HEADERS}, one slot per name, as
 * the server's one-pass header read fills them: made per request without hashing or probing a
 * table ({@code Map.of} did both), and taken by {@link RequestScope#of} without a copy. It
 * behaves as {@code Map.of} does: unmodifiable, no null keys or values, equal to any map with the
 * same entries.
 */
public final class PropagatedHeaders extends AbstractMap<String, String> {

  private static final int SLOTS = RequestScope.PROPAGATED_HEADERS.size();

  private final @Nullable String[] values;
  private final int size;
  private @Nullable Set<Entry<String, String>> entries;

  private PropagatedHeaders(@Nullable String[] values, int size) {
    this.values = values;
    this.size = size;
  }

  /**
   * The headers whose values are in {@code values} at the index of their name in {@link
   * RequestScope#PROPAGATED_HEADERS} (null where absent); slots past those are ignored. The
   * values are copied.
   */
  public static Map<String, String> of(@Nullable String[] values) {
    @Nullable String[] copy = Arrays.copyOf(values, SLOTS);
    int size = 0;
    for (String value : copy) {
      if (value != null) {
        size++;
      }
    }
    return size == 0 ? Map.of() : new PropagatedHeaders(copy, size);
  }

  /** The slot of a propagated header name (lower case), -1 for any other key. */
  private static int slot(Object key) {
    Objects.requireNonNull(key, "key");
    // Literal names, so a hash lookup of a switch on their cached hash codes; in PROPAGATED_HEADERS' order.
    return switch (key instanceof String name ? name : "") {
      case "traceparent" -> 0;
      case "tracestate" -> 1;
      case "baggage" -> 2;
      case "b3" -> 3;
      case "x-b3-traceid" -> 4;
      case "x-b3-spanid" -> 5;
      case "x-b3-parentspanid" -> 6;
      case "x-b3-sampled" -> 7;
      case "x-b3-flags" -> 8;
      case "x-request-id" -> 9;
      default -> -1;
    };
  }

  @Override
  public @Nullable String get(Object key) {
    int slot = slot(key);
    return slot < 0 ? null : values[slot];
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return false;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super String> action) {
    for (int i = 0; i < SLOTS; i++) {
      String value = values[i];
      if (value != null) {
        action.accept(RequestScope.PROPAGATED_HEADERS.get(i), value);
      }
    }
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    Set<Entry<String, String>> set = entries;
    if (set == null) {
      set = new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, String>> iterator() {
          return new Iterator<>() {
            private int next = advance(0);

            private int advance(int from) {
              int i = from;
              while (i < SLOTS && values[i] == null) {
                i++;
              }
              return i;
            }

            @Override
            public boolean hasNext() {
              return next < SLOTS;
            }

            @Override
            public Entry<String, String> next() {
              if (next >= SLOTS) {
                throw new NoSuchElementException();
              }
              Entry<String, String> entry = Map.entry(RequestScope.PROPAGATED_HEADERS.get(next), values[next]);
              next = advance(next + 1);
              return entry;
            }
          };
        }

        @Override
        public int size() {
          return size;
        }
      };
      entries = set;
    }
    return set;
  }
}
