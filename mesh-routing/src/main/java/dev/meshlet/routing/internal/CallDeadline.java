package dev.meshlet.routing.internal;

import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.AsyncTimeout;
import okio.BufferedSource;

/**
 * The route's deadline for a try that runs on the application's own call (see {@link Attempts}):
 * when it passes, the application's call is cancelled, as a call of its own would be by its call
 * timeout. Only used when no later try could follow (no shorter per-try timeout), so cancelling
 * the whole call is right. It covers the response body too: it ends when the body is closed.
 */
final class CallDeadline extends AsyncTimeout {
  private final Call call;
  private volatile boolean passed;

  CallDeadline(Call call, long millis) {
    this.call = call;
    timeout(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  protected void timedOut() {
    passed = true;
    call.cancel();
  }

  /** Whether the deadline passed (and cancelled the call). */
  boolean passed() {
    return passed;
  }

  /**
   * {@code body}, ending this deadline when closed ({@code Response.close()}, or the body's). A
   * body read to its end through its source is not seen: the deadline then passes on a finished
   * call, which cancelling leaves as it is. (Wrapping the source instead would cost a buffer per
   * call.)
   */
  ResponseBody coverBody(ResponseBody body) {
    return new ResponseBody() {
      @Override
      public MediaType contentType() {
        return body.contentType();
      }

      @Override
      public long contentLength() {
        return body.contentLength();
      }

      @Override
      public BufferedSource source() {
        return body.source();
      }

      @Override
      public void close() {
        exit();
        body.close();
      }
    };
  }
}
