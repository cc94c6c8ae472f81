package dev.meshlet.routing.internal;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.AsyncTimeout;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;

/**
 * The route's deadline for a try that runs on the application's own call (see {@link Attempts}):
 * when it passes, the application's call is cancelled, as a call of its own would be by its call
 * timeout. Only used when no later try could follow (no shorter per-try timeout), so cancelling
 * the whole call is right. It covers the response body too: it ends when the body is read to its
 * end or closed.
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

  /** {@code response} whose body ends this deadline when exhausted or closed. */
  Response coverBody(Response response) {
    ResponseBody body = response.body();
    BufferedSource source = Okio.buffer(new ForwardingSource(body.source()) {
      @Override
      public long read(Buffer sink, long byteCount) throws IOException {
        long read = super.read(sink, byteCount);
        if (read == -1) {
          exit();
        }
        return read;
      }

      @Override
      public void close() throws IOException {
        exit();
        super.close();
      }
    });
    return response.newBuilder().body(ResponseBody.create(source, body.contentType(), body.contentLength())).build();
  }
}
