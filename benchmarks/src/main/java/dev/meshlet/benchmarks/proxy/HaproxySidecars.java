package dev.meshlet.benchmarks.proxy;

import dev.meshlet.benchmarks.scenario.BenchEnvironment;
import dev.meshlet.benchmarks.scenario.ChildProcesses;
import dev.meshlet.benchmarks.tls.BenchPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Two HAProxy processes as a sidecar mesh would run them, one beside each service:
 *
 * <ul>
 *   <li><b>outbound</b> (client's sidecar) takes plaintext HTTP from the app on loopback and
 *       forwards over mTLS, presenting the client workload certificate and requiring the server's
 *       to chain to the bench CA and name {@code localhost} ({@code ssl verify required}).
 *   <li><b>inbound</b> (server's sidecar) terminates mTLS, requiring a client certificate from the
 *       bench CA ({@code verify required}), and forwards plaintext to the app on loopback.
 * </ul>
 *
 * <p>Choices, as Envoy in Istio behaves by default: HTTP mode (the proxy parses every request, as
 * Envoy's HTTP connection manager does); keep-alive on both sides and {@code http-reuse always}
 * so upstream connections are pooled and shared, as Envoy's connection pools are (no TLS handshake
 * per request); {@code nbthread 1} each, since a sidecar gets a small CPU share (Istio's default
 * proxy request is 100m CPU and Envoy runs with 2 workers); timeouts: connect 1 s, client and
 * server 30 s, keep-alive 60 s; no logging (Istio's access log is off by default). HAProxy is run
 * in the foreground ({@code -db}) with generated configs, never as the system service.
 */
public final class HaproxySidecars implements AutoCloseable {
  private final Process outbound;
  private final Process inbound;
  private final int outboundPort;

  private HaproxySidecars(Process outbound, Process inbound, int outboundPort) {
    this.outbound = outbound;
    this.inbound = inbound;
    this.outboundPort = outboundPort;
  }

  /** Writes both configs to {@code env.workDir()} and starts both proxies; returns once both listen. */
  public static HaproxySidecars start(BenchEnvironment env) throws IOException, InterruptedException {
    Path dir = env.workDir().resolve("haproxy");
    Files.createDirectories(dir);
    int outboundPort = ChildProcesses.freePort();
    int inboundPort = ChildProcesses.freePort();
    Path pki = env.pkiDir().toAbsolutePath();
    Path outboundCfg = dir.resolve("outbound.cfg");
    Path inboundCfg = dir.resolve("inbound.cfg");
    Files.writeString(outboundCfg, common() + """
        frontend outbound
            bind 127.0.0.1:%d
            default_backend upstream

        backend upstream
            http-reuse always
            server reviews 127.0.0.1:%d ssl verify required ca-file %s crt %s verifyhost localhost sni str(localhost) alpn http/1.1
        """.formatted(outboundPort, inboundPort, pki.resolve(BenchPki.CA_PEM), pki.resolve(BenchPki.CLIENT_PEM)),
        StandardCharsets.US_ASCII);
    Files.writeString(inboundCfg, common() + """
        frontend inbound
            bind 127.0.0.1:%d ssl crt %s ca-file %s verify required alpn http/1.1
            default_backend app

        backend app
            http-reuse always
            server app 127.0.0.1:%d
        """.formatted(inboundPort, pki.resolve(BenchPki.SERVER_PEM), pki.resolve(BenchPki.CA_PEM),
        env.serverPlainPort()), StandardCharsets.US_ASCII);

    Process inbound = launch(env, inboundCfg, dir.resolve("inbound.log"));
    try {
      ChildProcesses.awaitListening(inbound, inboundPort, 10_000, dir.resolve("inbound.log"));
      Process outbound = launch(env, outboundCfg, dir.resolve("outbound.log"));
      try {
        ChildProcesses.awaitListening(outbound, outboundPort, 10_000, dir.resolve("outbound.log"));
        return new HaproxySidecars(outbound, inbound, outboundPort);
      } catch (IOException | InterruptedException | RuntimeException e) {
        ChildProcesses.stop(outbound, 2_000);
        throw e;
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      ChildProcesses.stop(inbound, 2_000);
      throw e;
    }
  }

  private static String common() {
    return """
        global
            nbthread 1
            maxconn 4096
            ssl-server-verify required
            ssl-default-bind-options ssl-min-ver TLSv1.2
            ssl-default-server-options ssl-min-ver TLSv1.2

        defaults
            mode http
            option http-keep-alive
            timeout connect 1s
            timeout client 30s
            timeout server 30s
            timeout http-request 10s
            timeout http-keep-alive 60s

        """;
  }

  private static Process launch(BenchEnvironment env, Path config, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(env.haproxy(), "-db", "-f", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    return ChildProcesses.start(builder, env.workDir());
  }

  /** The port the application's client calls: the client-side sidecar. */
  public int outboundPort() {
    return outboundPort;
  }

  /** Both proxies' PIDs, outbound first. */
  public List<Long> pids() {
    return List.of(outbound.pid(), inbound.pid());
  }

  @Override
  public void close() {
    ChildProcesses.stop(outbound, 2_000);
    ChildProcesses.stop(inbound, 2_000);
  }
}
