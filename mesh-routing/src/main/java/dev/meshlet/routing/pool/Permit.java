package dev.meshlet.routing.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A place in a destination's limits held by one request or retry. Release it exactly when the
 * call ends (response, error or cancel); releasing again does nothing, so a cancel racing a
 * response cannot give back a place twice. Closing releases it.
 */
public final class Permit implements AutoCloseable {

  /** One object per permit, not two: the released flag is a field set atomically. */
  private static final VarHandle RELEASED;

  static {
    try {
      RELEASED = MethodHandles.lookup().findVarHandle(Permit.class, "released", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile boolean released;
  private final Runnable onRelease;

  Permit(Runnable onRelease) {
    this.onRelease = onRelease;
  }

  /** Gives the place back; returns false when it was already given back. */
  public boolean release() {
    if (!RELEASED.compareAndSet(this, false, true)) {
      return false;
    }
    onRelease.run();
    return true;
  }

  /** Whether {@link #release()} was called. */
  public boolean isReleased() {
    return released;
  }

  @Override
  public void close() {
    release();
  }
}
