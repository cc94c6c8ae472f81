package dev.meshlet.benchmarks.server;

import dev.meshlet.benchmarks.tls.BenchPki;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs the bench server as its own process (so the client's CPU and memory are measured apart):
 * {@code ServerMain <pki-dir> jetty|jdk}. It prints {@code READY <plainPort> <mtlsPort>} once
 * listening and stops when its standard input closes, so it never outlives the harness.
 */
public final class ServerMain {
  private ServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ServerMain <pki-dir> jetty|jdk");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    var ssl = BenchPki.sslContext(dir, BenchPki.SERVER_P12);
    try (BenchServer server = switch (args[1]) {
      case "jetty" -> JettyBenchServer.start(ssl);
      case "jdk" -> JdkBenchServer.start(ssl);
      default -> throw new IllegalArgumentException("server: " + args[1] + " (expected: jetty or jdk)");
    }) {
      System.out.println("READY " + server.plainPort() + " " + server.mtlsPort());
      System.out.flush();
      waitForEndOfInput();
    }
  }

  /** The parent holds our stdin open; EOF means it is gone. A day bounds the wait regardless. */
  private static void waitForEndOfInput() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.DAYS.toNanos(1);
    while (System.nanoTime() < deadline) {
      if (System.in.read() < 0) {
        return;
      }
    }
  }
}
