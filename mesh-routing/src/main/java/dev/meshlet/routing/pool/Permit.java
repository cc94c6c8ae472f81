package dev.meshlet.routing.pool;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A place in a destination's limits held by one request or retry. Release it exactly when the
 * call ends (response, error or cancel); releasing again does nothing, so a cancel racing a
 * response cannot give back a place twice. Closing releases it.
 */
public final class Permit implements AutoCloseable {

  private final AtomicBoolean released = new AtomicBoolean();
  private final Runnable onRelease;

  Permit(Runnable onRelease) {
    this.onRelease = onRelease;
  }

  /** Gives the place back; returns false when it was already given back. */
  public boolean release() {
    if (!released.compareAndSet(false, true)) {
      return false;
    }
    onRelease.run();
    return true;
  }

  /** Whether {@link #release()} was called. */
  public boolean isReleased() {
    return released.get();
  }

  @Override
  public void close() {
    release();
  }
}
