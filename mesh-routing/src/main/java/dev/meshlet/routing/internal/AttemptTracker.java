package dev.meshlet.routing.internal;

import kotlin.jvm.JvmClassMappingKt;
import kotlin.reflect.KClass;
import okhttp3.Call;
import okhttp3.EventListener;

/**
 * Rides along one attempt (as a request tag): watches OkHttp's events to tell whether the request
 * may have reached the server (once OkHttp starts writing request headers, it may have), and
 * carries the destination's {@code maxRequestsPerConnection} to the network interceptor.
 */
final class AttemptTracker extends EventListener {
  /** The tag's key: OkHttp's {@code tag(Class)} looks the Kotlin class up on every call. */
  static final KClass<AttemptTracker> TAG = JvmClassMappingKt.getKotlinClass(AttemptTracker.class);

  private final int maxRequestsPerConnection;
  private volatile boolean requestStarted;

  AttemptTracker(int maxRequestsPerConnection) {
    this.maxRequestsPerConnection = maxRequestsPerConnection;
  }

  /** The destination's {@code maxRequestsPerConnection}; 0 for no limit. */
  int maxRequestsPerConnection() {
    return maxRequestsPerConnection;
  }

  boolean requestStarted() {
    return requestStarted;
  }

  @Override
  public void requestHeadersStart(Call call) {
    requestStarted = true;
  }

  /** From the mesh's network interceptor, last before the request is written (a try on the application's own call has no listener of its own). */
  void requestStarting() {
    requestStarted = true;
  }

  /** Wraps the application's listener factory so each attempt also reports to its tracker. */
  static EventListener.Factory wrap(EventListener.Factory user) {
    return call -> {
      EventListener u = user.create(call);
      AttemptTracker t = call.request().tag(TAG);
      return t == null ? u : u.plus(t);
    };
  }
}
