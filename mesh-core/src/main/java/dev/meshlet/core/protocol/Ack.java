package dev.meshlet.core.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The agent's answer to a FULL or DELTA event ({@code POST /v1/ack}), as xDS has it: an ACK
 * when {@code error} is null, a NACK with the reason otherwise. A NACK leaves the agent on its
 * last good view.
 */
public record Ack(String leaseId, long version, @Nullable String error) {
  public Ack {
    Objects.requireNonNull(leaseId, "leaseId");
  }

  public static Ack ack(String leaseId, long version) {
    return new Ack(leaseId, version, null);
  }

  public static Ack nack(String leaseId, long version, String error) {
    return new Ack(leaseId, version, error);
  }

  @JsonIgnore
  public boolean isNack() {
    return error != null;
  }
}
