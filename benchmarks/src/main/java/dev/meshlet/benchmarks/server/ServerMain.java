package dev.meshlet.benchmarks.server;

import dev.meshlet.benchmarks.mesh.MeshletServers;
import dev.meshlet.benchmarks.scenario.BenchEnvironment;
import dev.meshlet.benchmarks.tls.BenchPki;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs the bench server as its own process (so the client's CPU and memory are measured apart):
 * {@code ServerMain <pki-dir> jetty|jdk <mesh-dir> <warm-up-ms> <concurrency>}; every path is warmed first
 * ({@link ServerWarmup}). It prints {@code READY <plainPort> <mtlsPort>
 * <meshletPlainPort> <meshletMtlsPort>} once listening and stops when its standard input closes, so
 * it never outlives the harness. The Meshlet ports serve the same application through Meshlet's
 * Jetty adapter; with {@code jdk} they are 0 (no Meshlet wiring for the JDK server here, so the
 * Meshlet scenarios would not compare with the baselines).
 */
public final class ServerMain {
  private ServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: ServerMain <pki-dir> jetty|jdk <mesh-dir> <warm-up-ms-per-path> <concurrency>");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    var ssl = BenchPki.sslContext(dir, BenchPki.SERVER_P12);
    try (BenchServer server = switch (args[1]) {
      case "jetty" -> JettyBenchServer.start(ssl);
      case "jdk" -> JdkBenchServer.start(ssl);
      default -> throw new IllegalArgumentException("server: " + args[1] + " (expected: jetty or jdk)");
    }; @Nullable MeshletServers mesh = args[1].equals("jetty") ? MeshletServers.start(Path.of(args[2])) : null) {
      BenchEnvironment env = new BenchEnvironment(dir.toAbsolutePath().getParent(), dir, server.plainPort(),
          server.mtlsPort(), "", mesh == null ? 0 : mesh.plainPort(), mesh == null ? 0 : mesh.mtlsPort());
      ServerWarmup.run(env, Long.parseLong(args[3]), Integer.parseInt(args[4]));
      System.out.println("READY " + server.plainPort() + " " + server.mtlsPort() + " "
          + (mesh == null ? 0 : mesh.plainPort()) + " " + (mesh == null ? 0 : mesh.mtlsPort()));
      System.out.flush();
      waitForEndOfInput();
      if (mesh != null && mesh.deniedRequests() > 0) {
        System.err.println("Meshlet's inbound chains refused " + mesh.deniedRequests() + " requests");
      }
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
