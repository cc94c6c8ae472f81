package dev.meshlet.routing.internal;

import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Call;
import okhttp3.EventListener;

/**
 * Carries the cancellation of an application's call (by {@code Call.cancel()} or its call
 * timeout) to the attempt running for it, which is a call of its own.
 */
final class Cancellations {
  private final ConcurrentHashMap<Call, Call> attempts = new ConcurrentHashMap<>();

  /** The application's listener factory, plus a relay of {@code canceled} to the running attempt. */
  EventListener.Factory wrap(EventListener.Factory user) {
    EventListener relay = new EventListener() {
      @Override
      public void canceled(Call call) {
        Call attempt = attempts.get(call);
        if (attempt != null) {
          attempt.cancel();
        }
      }
    };
    return call -> user.create(call).plus(relay);
  }

  /** Records that {@code attempt} runs for {@code outer}; cancels it at once if {@code outer} already is. */
  void started(Call outer, Call attempt) {
    attempts.put(outer, attempt);
    if (outer.isCanceled()) {
      attempt.cancel();
    }
  }

  void finished(Call outer) {
    attempts.remove(outer);
  }
}
