package dev.meshlet.core.config.networking;

import dev.meshlet.core.config.Copies;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Header edits for the request sent to a destination and the response returned from it. */
public record Headers(@Nullable HeaderOperations request, @Nullable HeaderOperations response) {

  /**
   * Edits to one message's headers: {@code set} overwrites, {@code add} appends, {@code remove}
   * deletes.
   */
  public record HeaderOperations(Map<String, String> set, Map<String, String> add, List<String> remove) {
    public HeaderOperations {
      set = Copies.map(set);
      add = Copies.map(add);
      remove = Copies.list(remove);
    }
  }
}
