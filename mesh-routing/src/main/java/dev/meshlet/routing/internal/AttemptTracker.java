package dev.meshlet.routing.internal;

import okhttp3.Call;
import okhttp3.EventListener;

/**
 * Watches one attempt's OkHttp events to tell whether the request may have reached the server:
 * once OkHttp starts writing request headers, it may have.
 */
final class AttemptTracker extends EventListener {
  private volatile boolean requestStarted;

  boolean requestStarted() {
    return requestStarted;
  }

  @Override
  public void requestHeadersStart(Call call) {
    requestStarted = true;
  }

  /** Wraps the application's listener factory so each attempt also reports to its tracker. */
  static EventListener.Factory wrap(EventListener.Factory user) {
    return call -> {
      EventListener u = user.create(call);
      AttemptTracker t = call.request().tag(AttemptTracker.class);
      return t == null ? u : u.plus(t);
    };
  }
}
