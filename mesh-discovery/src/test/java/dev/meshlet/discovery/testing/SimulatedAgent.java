package dev.meshlet.discovery.testing;

import dev.meshlet.core.protocol.WatchEvent;
import dev.meshlet.core.protocol.WatchEventReader;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/** An agent's watch, in the test's JVM: reads the real stream with the protocol's reader on its own thread. */
public final class SimulatedAgent implements AutoCloseable {
  private final BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
  private final Call call;
  private final Thread reader;
  public volatile @Nullable Throwable failure;
  public volatile boolean ended;
  public volatile int status;

  public SimulatedAgent(OkHttpClient http, String url, String token, String leaseId, @Nullable Long since) {
    String q = url + "/v1/watch?lease=" + leaseId + (since == null ? "" : "&since=" + since);
    call = http.newCall(new Request.Builder().url(q).header("Authorization", "Bearer " + token).build());
    reader = new Thread(this::run, "agent-" + leaseId);
    reader.setDaemon(true);
    reader.start();
  }

  private void run() {
    try (Response r = call.execute()) {
      status = r.code();
      if (!r.isSuccessful()) {
        failure = new IOException("HTTP " + r.code() + ": " + r.body().string());
        return;
      }
      try (WatchEventReader in = new WatchEventReader(r.body().byteStream())) {
        for (WatchEvent e = in.next(); e != null; e = in.next()) {
          events.add(e);
        }
      }
      ended = true;
    } catch (Throwable t) {
      failure = t;
    }
  }

  /** The next event that is not a heartbeat, waiting up to 5 s. */
  public WatchEvent next() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      WatchEvent e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (e == null) {
        throw new AssertionError("no event within 5 s" + (failure == null ? "" : "; stream failed: " + failure));
      }
      if (e.type() != WatchEvent.Type.HEARTBEAT) {
        return e;
      }
    }
  }

  /** The next event of any type, heartbeats included. */
  public WatchEvent nextAny() throws InterruptedException {
    WatchEvent e = events.poll(5, TimeUnit.SECONDS);
    if (e == null) {
      throw new AssertionError("no event within 5 s" + (failure == null ? "" : "; stream failed: " + failure));
    }
    return e;
  }

  /** Asserts nothing but heartbeats arrives for {@code quiet}. */
  public void expectNoChangeFor(Duration quiet) throws InterruptedException {
    long deadline = System.nanoTime() + quiet.toNanos();
    while (System.nanoTime() < deadline) {
      WatchEvent e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (e != null && e.type() != WatchEvent.Type.HEARTBEAT) {
        throw new AssertionError("expected no change, got " + e);
      }
    }
  }

  /** Waits for the stream to end (the server closed it, or it failed). */
  public void awaitEnd() throws InterruptedException {
    reader.join(5_000);
    if (reader.isAlive()) {
      throw new AssertionError("the stream is still open");
    }
  }

  @Override
  public void close() throws InterruptedException {
    call.cancel();
    reader.join(2_000);
  }
}
