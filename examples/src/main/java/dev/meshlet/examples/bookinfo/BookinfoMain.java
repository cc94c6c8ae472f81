package dev.meshlet.examples.bookinfo;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bin/bookinfo}: starts one Bookinfo service as its own process. */
@Command(name = "bookinfo", sortOptions = false,
    description = {"Starts one Bookinfo service (Istio's sample app, written on Meshlet).",
        "",
        "With --discovery it registers with the discovery server, proving its service",
        "account with a bootstrap token from 'meshctl token create SERVICE', takes its",
        "rules from there and gets a workload certificate from the server's CA: calls",
        "to other mesh workloads go out over mTLS, and its port takes mTLS and",
        "plaintext (PERMISSIVE) unless a PeerAuthentication says otherwise.",
        "",
        "Admin endpoint (--admin-port, loopback, as Envoy's admin port):",
        "/stats/prometheus, /config_dump, /clusters, /certs, /healthz/ready, /logging.",
        ""},
    footer = {"", "Example:",
        "  TOKEN=$(bin/meshctl token create reviews --data ./mesh-data)",
        "  bin/bookinfo reviews --version v2 --port 9082 --admin-port 15002 \\",
        "      --discovery https://127.0.0.1:15010 --token $TOKEN \\",
        "      --trust-bundle ./mesh-data/ca/root-cert.pem",
        "  (a 'meshctl server --plaintext': --discovery http://..., no bundle)"})
public final class BookinfoMain implements Callable<Integer> {

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE", description = "productpage, details, reviews or ratings.")
  String service = "";

  @Option(names = "--version", defaultValue = "v1", paramLabel = "vN",
      description = "The version label (reviews: v1 no stars, v2 black stars, v3 red stars). Default: ${DEFAULT-VALUE}.")
  String version = "v1";

  @Option(names = "--port", defaultValue = "0", paramLabel = "P", description = "Application port (0: any free one).")
  int port;

  @Option(names = "--admin-port", defaultValue = "0", paramLabel = "P", description = "Admin endpoint port (0: any free one).")
  int adminPort;

  @Option(names = "--control-port", defaultValue = "0", paramLabel = "P", hidden = true,
      description = "The demo's controls (POST /demo/fail?status=N, GET /demo/served); 0: any free one.")
  int controlPort;

  @Option(names = "--discovery", paramLabel = "URL", description = "The discovery server, e.g. https://127.0.0.1:15010 (http:// for a --plaintext one).")
  String discovery;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:MESHLET_TOKEN}",
      description = "Bootstrap token for this service's account (else $MESHLET_TOKEN).")
  String token;

  @Option(names = "--trust-bundle", paramLabel = "FILE", defaultValue = "${env:MESHLET_TRUST_BUNDLE}",
      description = "The mesh root certificate(s), PEM, that an https discovery server's certificate chains to:"
          + " the server's DATA/ca/root-cert.pem (else $MESHLET_TRUST_BUNDLE). Needed with https://.")
  java.nio.file.Path trustBundle;

  @Option(names = {"-n", "--namespace"}, defaultValue = "default", paramLabel = "NS", description = "Namespace. Default: ${DEFAULT-VALUE}.")
  String namespace = "default";

  @Option(names = "--reviews-timeout", defaultValue = "3s", paramLabel = "DURATION", hidden = true,
      description = "productpage's timeout per try toward reviews (Bookinfo: 3 s, tried twice).")
  String reviewsTimeout = "3s";

  @Override
  public Integer call() throws Exception {
    if (service.isEmpty()) {
      throw new CommandLine.ParameterException(new CommandLine(this), "Missing SERVICE (expected: productpage, details, reviews or ratings)");
    }
    BookinfoWorkload.Options options = new BookinfoWorkload.Options(BookinfoWorkload.Service.of(service), version,
        namespace, port, adminPort, controlPort, discovery, token, trustBundle, java.util.Map.of(), parseDuration(reviewsTimeout));
    // Generous: on a busy machine the discovery server may take a while; Istio's sidecar waits too.
    BookinfoWorkload workload = BookinfoWorkload.start(options, Duration.ofSeconds(120));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      workload.close();
      stopped.countDown();
    }, "bookinfo-shutdown"));
    System.out.println(service + " " + version + " listening on 127.0.0.1:" + workload.port()
        + ", admin http://127.0.0.1:" + workload.adminPort() + "/"
        + (discovery == null ? " (alone: no discovery server)" : ", registered with " + discovery));
    System.out.flush();
    stopped.await();
    return 0;
  }

  static Duration parseDuration(String text) {
    if (text.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    }
    if (text.endsWith("s")) {
      return Duration.ofMillis((long) (Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
    }
    throw new IllegalArgumentException("duration: '" + text + "' (expected: 500ms or 3s)");
  }

  /** Runs the command line. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BookinfoMain()).execute(args));
  }
}
