package dev.meshlet.discovery.cli;

import dev.meshlet.discovery.api.DiscoveryServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import dev.meshlet.discovery.store.etcd.EtcdStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code meshctl server}: runs a discovery server until it is stopped. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the Meshlet discovery server: config store, registry, watch streams for agents.",
      "On first start it writes an admin token to DIR/admin-token (mode 0600) and makes the mesh CA in"
          + " DIR/ca; other meshctl commands find the token, the server's URL and the root certificate with --data DIR.",
      "The API runs over TLS with a certificate from the mesh CA (SPIFFE ID"
          + " spiffe://cluster.local/ns/istio-system/sa/meshlet-discovery), unless --plaintext.",
      "With --etcd the state, the CA and the admin token live in etcd: start several servers over the same"
          + " etcd and list them all in each agent's MESHLET_DISCOVERY_SERVERS; DIR then holds only local copies."
    })
final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--port", defaultValue = "15010", paramLabel = "PORT", description = "Port to listen on (0: any free one). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS", description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data directory: the store, the admin token.")
  Path data;

  @Option(names = "--lease-ttl", defaultValue = "30", paramLabel = "SECONDS", description = "Lease time to live. Default: ${DEFAULT-VALUE}.")
  int leaseTtl;

  @Option(names = "--heartbeat", defaultValue = "10", paramLabel = "SECONDS", description = "Heartbeat interval on watch streams. Default: ${DEFAULT-VALUE}.")
  int heartbeat;

  @Option(names = "--etcd", split = ",", paramLabel = "URL", description = "Keep the state in this etcd cluster"
      + " (http://host:2379, comma-separated) instead of DIR, so several servers share it. Default: the embedded store in DIR.")
  List<String> etcd = new ArrayList<>();

  @Option(names = "--etcd-prefix", defaultValue = EtcdStore.DEFAULT_PREFIX, paramLabel = "PREFIX",
      description = "Key prefix in etcd (one mesh per prefix). Default: ${DEFAULT-VALUE}.")
  String etcdPrefix;

  @Option(names = "--push-debounce", defaultValue = "100", paramLabel = "MILLIS", description = "Changes within this window go out as one push. Default: ${DEFAULT-VALUE}.")
  int pushDebounce;

  @Option(names = "--plaintext", description = "Serve plain HTTP instead of TLS (for curl on loopback while debugging).")
  boolean plaintext;

  @Override
  public Integer call() throws Exception {
    if (pushDebounce < 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--push-debounce: " + pushDebounce
          + " (expected: 0 or more milliseconds)");
    }
    if (leaseTtl <= 0 || heartbeat <= 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--lease-ttl and --heartbeat must be positive (got " + leaseTtl + ", " + heartbeat + ")");
    }
    DiscoveryServer server = DiscoveryServer.builder(data)
        .host(host)
        .port(port)
        .leaseTtl(Duration.ofSeconds(leaseTtl))
        .heartbeat(Duration.ofSeconds(heartbeat))
        .pushDebounce(Duration.ofMillis(pushDebounce))
        .tls(!plaintext)
        .etcd(etcd)
        .etcdPrefix(etcdPrefix)
        .start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        // exiting anyway
      }
    }, "meshlet-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println("Meshlet discovery server listening on " + server.url());
    if (!etcd.isEmpty()) {
      out.println("store: etcd " + String.join(",", etcd) + " prefix " + etcdPrefix + " (CA and admin token shared there)");
    }
    out.println("data: " + data.toAbsolutePath() + " (admin token in " + data.resolve("admin-token")
        + ", mesh root certificate in " + data.resolve("ca").resolve("root-cert.pem") + ")");
    out.flush();
    server.join();
    return Meshctl.OK;
  }
}
