package dev.meshlet.benchmarks.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Starts the harness's helper processes so that nothing outlives a run: each PID is appended to
 * {@code <workDir>/pids}, which run.sh's EXIT/INT trap kills, and the orchestrator also destroys
 * its descendants in a shutdown hook.
 */
public final class ChildProcesses {
  /** The file run.sh reads to stop what the harness started. */
  public static final String PID_FILE = "pids";

  private ChildProcesses() {}

  /** Starts {@code builder} and records its PID in {@code workDir}. */
  public static Process start(ProcessBuilder builder, Path workDir) throws IOException {
    Process process = builder.start();
    Files.writeString(workDir.resolve(PID_FILE), process.pid() + "\n", StandardCharsets.US_ASCII,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return process;
  }

  /** Asks {@code process} to stop, then kills it after {@code graceMillis}. */
  public static void stop(Process process, long graceMillis) {
    process.destroy();
    try {
      if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(graceMillis, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** A loopback port free right now (the tiny race until the child binds it fails loudly). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until {@code port} accepts connections, or fails after {@code timeoutMillis}. */
  public static void awaitListening(Process process, int port, long timeoutMillis, Path log)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("process " + process.pid() + " exited with " + process.exitValue() + ": "
            + (Files.exists(log) ? Files.readString(log) : "(no log)"));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    throw new IOException("nothing listens on 127.0.0.1:" + port + " after " + timeoutMillis + " ms");
  }
}
