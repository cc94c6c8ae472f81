package dev.meshlet.routing.internal;

import dev.meshlet.routing.MeshCallListener;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/** Calls the listener's attempt hooks so that what telemetry throws never fails a call. */
final class Listening {
  private Listening() {}

  static MeshCallListener.AttemptObserver start(MeshCallListener listener, MeshCallListener.AttemptStart start,
      Request.Builder request) {
    try {
      MeshCallListener.AttemptObserver observer = listener.startAttempt(start, request);
      return observer == null ? MeshCallListener.AttemptObserver.NONE : observer;
    } catch (RuntimeException ignored) {
      return MeshCallListener.AttemptObserver.NONE;
    }
  }

  static void ended(MeshCallListener.AttemptObserver observer, int status, @Nullable Throwable failure,
      @Nullable Response response) {
    try {
      observer.ended(status, failure, response);
    } catch (RuntimeException ignored) {
      // Telemetry must never fail a call.
    }
  }
}
