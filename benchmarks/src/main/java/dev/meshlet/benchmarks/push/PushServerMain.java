package dev.meshlet.benchmarks.push;

import dev.meshlet.discovery.api.DiscoveryServer;
import java.nio.file.Path;

/**
 * The discovery server alone in its JVM, for the push harness: plaintext on a loopback port,
 * state in the directory given; it leaves its URL in {@code DATA/server-url} and stops when its
 * parent closes its stdin (or kills it).
 */
public final class PushServerMain {
  private PushServerMain() {}

  public static void main(String[] args) throws Exception {
    try (DiscoveryServer server = DiscoveryServer.builder(Path.of(args[0])).port(0).tls(false).start()) {
      while (System.in.read() >= 0) {
        // wait for the parent to go away
      }
    }
  }
}
