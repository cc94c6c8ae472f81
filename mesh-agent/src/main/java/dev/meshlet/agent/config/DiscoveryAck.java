package dev.meshlet.agent.config;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a {@link DiscoveryUpdate}: ACK (in force) or NACK with the error, as xDS answers.
 *
 * @param version the version of the update answered
 * @param accepted true for an ACK
 * @param error why it was refused, null for an ACK
 */
public record DiscoveryAck(String version, boolean accepted, @Nullable String error) {
  public DiscoveryAck {
    Objects.requireNonNull(version, "version");
    if (accepted != (error == null)) {
      throw new IllegalArgumentException("error: " + error + " (expected: null for an ACK, a reason for a NACK)");
    }
  }

  public static DiscoveryAck ack(String version) {
    return new DiscoveryAck(version, true, null);
  }

  public static DiscoveryAck nack(String version, String error) {
    return new DiscoveryAck(version, false, Objects.requireNonNull(error, "error"));
  }
}
