package dev.meshlet.agent.discovery;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link CentralConfigListener} made of a view: applied (the agent ACKs it and keeps it on
 * disk) or refused with the reason (the agent NACKs it with that reason and the listener keeps
 * running its last good view).
 *
 * @param error why the view was refused, or null when it was applied
 */
public record ApplyOutcome(@Nullable String error) {
  private static final ApplyOutcome APPLIED = new ApplyOutcome(null);

  public ApplyOutcome {
    if (error != null && error.isBlank()) {
      throw new IllegalArgumentException("error: blank (expected: why the view was refused)");
    }
  }

  /** The view is in force. */
  public static ApplyOutcome applied() {
    return APPLIED;
  }

  /** The view could not be applied; {@code error} says what, where and what was expected. */
  public static ApplyOutcome refused(String error) {
    return new ApplyOutcome(error);
  }

  public boolean isApplied() {
    return error == null;
  }
}
