package dev.meshlet.benchmarks.load;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Handshake;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * Sends one request asynchronously through an OkHttpClient: ok when the answer is a 200 with a
 * body, read to the end. Logs the first failure (to stderr) and remembers what the first answered
 * connection negotiated.
 */
public final class OkHttpSender implements RequestSender {
  private final OkHttpClient client;
  private final Request request;
  private final AtomicBoolean failureLogged = new AtomicBoolean();
  private final AtomicReference<@Nullable String> tls = new AtomicReference<>();

  public OkHttpSender(OkHttpClient client, Request request) {
    this.client = client;
    this.request = request;
  }

  @Override
  public void send(Completion completion) {
    client.newCall(request).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        if (failureLogged.compareAndSet(false, true)) {
          System.err.println("first failure: " + e);
          e.printStackTrace();
        }
        completion.complete(false);
      }

      @Override
      public void onResponse(Call call, Response response) {
        boolean ok;
        try (ResponseBody body = response.body()) {
          ok = response.code() == 200 && body.bytes().length > 0;
          if (!ok && failureLogged.compareAndSet(false, true)) {
            System.err.println("first failure: HTTP " + response.code() + " " + response.headers());
          }
        } catch (IOException e) {
          ok = false;
        }
        if (tls.get() == null) {
          tls.compareAndSet(null, describe(response.handshake()));
        }
        completion.complete(ok);
      }
    });
  }

  /** {@code TLSv1.3 TLS_AES_256_GCM_SHA384}, {@code plaintext}, or null before the first answer. */
  public @Nullable String tls() {
    return tls.get();
  }

  private static String describe(@Nullable Handshake handshake) {
    return handshake == null ? "plaintext" : handshake.tlsVersion().javaName() + " " + handshake.cipherSuite().javaName();
  }
}
