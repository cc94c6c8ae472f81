package dev.meshlet.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshlet.examples.demo.Demo.Outcome;
import dev.meshlet.examples.demo.Demo.Status;
import dev.meshlet.examples.demo.Traffic.Sample;
import dev.meshlet.tls.identity.SpiffeId;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;


/**
 * The nine Bookinfo tasks: each applies Istio's rules through the discovery server, sends traffic,
 * prints a table and checks what Istio's task page says should happen.
 */
final class Steps implements AutoCloseable {

  static final int COUNT = 9;

  private final Cluster cluster;
  private final Path samples;
  private final PrintStream out;
  private final boolean fast;
  private final Traffic traffic;
  private final List<String> failures = new ArrayList<>();

  Steps(Cluster cluster, Path samples, PrintStream out, boolean fast, boolean progress) {
    this.cluster = cluster;
    this.samples = samples;
    this.out = out;
    this.fast = fast;
    this.traffic = new Traffic(out, productpage().port(), progress);
  }

  private Cluster.Workload productpage() {
    return find("productpage", "v1", 0);
  }

  private Cluster.Workload find(String service, String version, int index) {
    return cluster.workloads().stream().filter(w -> w.service().equals(service) && w.version().equals(version))
        .skip(index).findFirst().orElseThrow(() -> new IllegalStateException("no " + service + " " + version + " #" + index));
  }

  /**
   * A few pages before the first step, so that the steps' latencies are not the JVMs' first
   * compilations and the first connections' handshakes. Nothing is checked.
   */
  void warmUp() throws InterruptedException {
    int n = n(12, 30);
    List<Sample> s = traffic.send("warm-up", n, null, 3);
    out.println();
    out.println("Warm-up: " + n + " pages, no rules yet (reviews round-robin over v1, v2, v3), not checked: "
        + Traffic.countWhere(s, Sample::ok) + " whole");
  }

  Outcome run(int step) {
    failures.clear();
    String title = switch (step) {
      case 1 -> "all traffic to v1";
      case 2 -> "jason to reviews v2, everyone else v1";
      case 3 -> "canary: 90/10 v1/v2, then 50/50 v1/v3";
      case 4 -> "ratings delayed 7s for jason: timeout";
      case 5 -> "ratings abort 500 for jason";
      case 6 -> "STRICT mTLS mesh-wide";
      case 7 -> "circuit breaking under a burst";
      case 8 -> "outlier ejection of a failing reviews";
      case 9 -> "mirroring reviews to v3";
      default -> throw new IllegalArgumentException("step: " + step + " (expected: 1.." + COUNT + ")");
    };
    out.println();
    out.println("Step " + step + ": " + title);
    try {
      String missing = switch (step) {
        case 1 -> allV1();
        case 2 -> jasonV2();
        case 3 -> canary();
        case 4 -> delay();
        case 5 -> abort();
        case 6 -> strictMtls();
        case 7 -> circuitBreaking();
        case 8 -> outlierEjection();
        case 9 -> mirroring();
        default -> throw new AssertionError(step);
      };
      if (missing != null) {
        out.println("  not available yet: " + missing);
        return new Outcome(step, title, Status.NOT_AVAILABLE, missing);
      }
    } catch (IOException | RuntimeException e) {
      failures.add(e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failures.add("interrupted");
    }
    return failures.isEmpty() ? new Outcome(step, title, Status.PASSED, "")
        : new Outcome(step, title, Status.FAILED, String.join("; ", failures));
  }

  // ---- rules

  /**
   * Replaces the routing rules with {@code files} (Istio's from samples/bookinfo; {@code /name}:
   * the demo's own) and waits until every workload runs them.
   */
  private void rules(String... files) throws IOException, InterruptedException {
    cluster.deleteRoutingRules();
    long version = cluster.version();
    List<String> istio = new ArrayList<>();
    List<String> demo = new ArrayList<>();
    for (String file : files) {
      boolean own = file.startsWith("/");
      String name = own ? file.substring(1) : file;
      String yaml = own ? Demo.resource(name) : Files.readString(samples.resolve(file));
      version = Math.max(version, cluster.apply(name, yaml));
      (own ? demo : istio).add(name);
    }
    version = Math.max(version, cluster.version());
    int synced = cluster.awaitSynced(version, Duration.ofSeconds(20));
    out.println("  rules    samples/bookinfo/ " + String.join(", ", istio));
    if (!demo.isEmpty()) {
      out.println("           the demo's own: " + String.join(", ", demo));
    }
    out.println("           SYNCED on all " + synced + " workloads at version " + version);
  }

  private void base(String... more) throws IOException, InterruptedException {
    List<String> files = new ArrayList<>(List.of("virtual-service-all-v1.yaml", "destination-rule-all.yaml"));
    files.addAll(List.of(more));
    rules(files.toArray(String[]::new));
  }

  // ---- checks

  private void check(boolean ok, String what) {
    out.println("  " + (ok ? "ok    " : "FAILED") + " " + what);
    if (!ok) {
      failures.add(what);
    }
  }

  private List<Sample> send(String label, int count, String user, int concurrency) throws InterruptedException {
    return send(label, count, user, concurrency, traffic);
  }

  private List<Sample> send(String label, int count, String user, int concurrency, Traffic through)
      throws InterruptedException {
    List<Sample> samples = through.send(label, count, user, concurrency);
    out.println("  " + label + ": " + count + (count == 1 ? " request" : " requests"));
    through.table(samples);
    return samples;
  }

  private int n(int fastCount, int fullCount) {
    return fast ? fastCount : fullCount;
  }

  private static boolean all(List<Sample> samples, java.util.function.Predicate<Sample> p) {
    return !samples.isEmpty() && samples.stream().allMatch(p);
  }

  /** Whether {@code hits} of {@code n} is within four standard deviations (plus one) of {@code p * n}. */
  private static boolean nearShare(long hits, int n, double p) {
    double sd = Math.sqrt(n * p * (1 - p));
    return Math.abs(hits - n * p) <= 4 * sd + 1;
  }

  // ---- the steps

  private String allV1() throws IOException, InterruptedException {
    base();
    List<Sample> s = send("anonymous users", n(20, 50), null, 4);
    check(all(s, Sample::ok), "every page whole (status 200, no errors)");
    check(all(s, x -> "v1".equals(x.reviews()) && "v1".equals(x.details())), "reviews v1 (no stars) served every request");
    return null;
  }

  private String jasonV2() throws IOException, InterruptedException {
    base("virtual-service-reviews-test-v2.yaml");
    List<Sample> jason = send("signed in as jason", n(10, 30), "jason", 4);
    List<Sample> anon = send("anonymous users", n(10, 30), null, 4);
    check(all(jason, x -> x.ok() && x.reviews() != null && x.reviews().startsWith("v2 (4 black)")),
        "jason sees reviews v2 with black stars (ratings 4)");
    check(all(anon, x -> x.ok() && "v1".equals(x.reviews())), "everyone else sees reviews v1");
    return null;
  }

  private String canary() throws IOException, InterruptedException {
    base("virtual-service-reviews-90-10.yaml");
    int n = n(60, 200);
    List<Sample> s = send("90/10 v1/v2", n, null, 4);
    long v2 = Traffic.countWhere(s, x -> x.reviews() != null && x.reviews().startsWith("v2 (4 black)"));
    long v1 = Traffic.countWhere(s, x -> "v1".equals(x.reviews()));
    check(all(s, Sample::ok), "every page whole");
    check(v1 + v2 == n && nearShare(v2, n, 0.10), "the canary v2 got " + v2 + " of " + n + " (expected about 10%, the rest v1)");
    base("virtual-service-reviews-50-v3.yaml");
    s = send("50/50 v1/v3", n, null, 4);
    long v3 = Traffic.countWhere(s, x -> x.reviews() != null && x.reviews().startsWith("v3 (4 red)"));
    v1 = Traffic.countWhere(s, x -> "v1".equals(x.reviews()));
    check(all(s, Sample::ok), "every page whole");
    check(v1 + v3 == n && nearShare(v3, n, 0.5), "v3 (red stars) got " + v3 + " of " + n + " (expected about 50%)");
    return null;
  }

  private String delay() throws IOException, InterruptedException {
    base("virtual-service-reviews-test-v2.yaml", "virtual-service-ratings-test-delay.yaml");
    List<Sample> jason = send("signed in as jason (ratings delayed 7s)", n(1, 3), "jason", 3);
    List<Sample> anon = send("anonymous users", n(10, 20), null, 4);
    check(all(jason, x -> x.status() == 200 && x.reviews() == null && x.hasError("reviews")),
        "jason's page loads without reviews: 'Sorry, product reviews are currently unavailable'");
    check(all(jason, x -> x.millis() >= 5_500 && x.millis() < 9_000),
        "after about 6 s: productpage's 3 s timeout toward reviews, tried twice, gives up before ratings' 7 s delay ends");
    check(all(anon, x -> x.ok() && "v1".equals(x.reviews()) && x.millis() < 2_000), "everyone else is unaffected");
    return null;
  }

  private String abort() throws IOException, InterruptedException {
    base("virtual-service-reviews-test-v2.yaml", "virtual-service-ratings-test-abort.yaml");
    List<Sample> jason = send("signed in as jason (ratings abort 500)", n(10, 30), "jason", 4);
    List<Sample> anon = send("anonymous users", n(10, 30), null, 4);
    check(all(jason, x -> x.status() == 200 && "v2 (ratings unavailable)".equals(x.reviews()) && x.hasError("ratings", "FI")
        && x.errors().contains("ratings:500:FI")),
        "jason sees reviews v2 with 'Ratings service is currently unavailable' (ratings 500, flag FI)");
    check(all(anon, x -> x.ok() && "v1".equals(x.reviews())), "everyone else is unaffected");
    return null;
  }

  /** Istio's identity for its ingress gateway: the demo calls productpage with it under STRICT. */
  static final String GATEWAY_ACCOUNT = "istio-ingressgateway-service-account";

  private String strictMtls() throws IOException, InterruptedException {
    base();
    Cluster.Workload page = productpage();
    Cluster.Workload reviews = find("reviews", "v1", 0);
    long certified = 0;
    for (Cluster.Workload w : cluster.workloads()) {
      String id = cluster.admin(w, "/certs").path("spiffeId").asText();
      certified += id.equals("spiffe://cluster.local/ns/default/sa/" + w.service()) ? 1 : 0;
    }
    out.println("  every workload holds a certificate from the discovery server's CA: " + certified + " of "
        + cluster.workloads().size() + " (spiffe://cluster.local/ns/default/sa/SERVICE, on /certs)");
    Path certs = cluster.workDir().resolve("ingress-certs");
    cluster.meshctl("cert", "issue", GATEWAY_ACCOUNT, "-n", "istio-system", "--out", certs.toString());
    out.println("  meshctl cert issue " + GATEWAY_ACCOUNT + " -n istio-system --out " + certs);
    out.println("  (the demo calls productpage as Istio's ingress gateway does: over mTLS, with that identity)");
    long mtlsBefore = mutualTlsFromProductpage(reviews);
    long version = cluster.apply("peer-authentication-strict.yaml", Demo.resource("peer-authentication-strict.yaml"));
    try {
      int synced = cluster.awaitSynced(version, Duration.ofSeconds(20));
      out.println("  rules    the demo's own: peer-authentication-strict.yaml (PeerAuthentication istio-system/default,"
          + " Istio's \"Mutual TLS Migration\": STRICT mesh-wide)");
      out.println("           SYNCED on all " + synced + " workloads at version " + version);
      // (a) plaintext from outside, straight to every service's port
      out.println("  straight to each service's port, from outside the mesh");
      boolean allRefused = true;
      for (Cluster.Workload w : List.of(page, find("details", "v1", 0), reviews, find("ratings", "v1", 0))) {
        String path = w.service().equals("productpage") ? "/productpage" : "/" + w.service() + "/0";
        String answer = traffic.probe("http://127.0.0.1:" + w.port() + path);
        allRefused &= answer.startsWith("refused");
        out.printf("    %-34s %s%n", "plaintext -> " + w.service(), answer);
      }
      // (c) curl presenting the certificate from meshctl cert issue
      String reviewsUrl = "https://127.0.0.1:" + reviews.port() + "/reviews/0";
      String curl = curlWithCertificate(certs, reviewsUrl);
      String caller = "curl --cert (gateway) -> reviews";
      if (curl == null) { // no curl here: the same call with OkHttp and the same PEM files
        caller = "OkHttp, gateway's cert -> reviews";
        try (Traffic okhttp = traffic.withCertificate(CallerCertificate.load(certs,
            SpiffeId.parse("spiffe://cluster.local/ns/default/sa/reviews")))) {
          curl = okhttp.probe(reviewsUrl);
        }
      }
      out.printf("    %-34s %s%n", caller, curl);
      // (b) mesh traffic: productpage -> details and reviews, reviews -> ratings, all over mTLS
      CallerCertificate gateway = CallerCertificate.load(certs, SpiffeId.parse("spiffe://cluster.local/ns/default/sa/productpage"));
      List<Sample> s;
      try (Traffic mtls = traffic.withCertificate(gateway)) {
        s = send("pages over mTLS, as the ingress gateway", n(10, 30), null, 4, mtls);
      }
      long mtlsCalls = mutualTlsFromProductpage(reviews) - mtlsBefore;
      out.printf("    %-12s %d calls from productpage, reported mutual_tls by reviews (istio_requests_total)%n",
          "mTLS", mtlsCalls);
      check(certified == cluster.workloads().size(), "every workload holds its own certificate from the discovery server's CA");
      check(allRefused, "plaintext from outside is refused by every service (connection closed, as Envoy resets it)");
      check(curl.startsWith("200"), "curl with a certificate from 'meshctl cert issue' gets through");
      check(all(s, x -> x.ok() && "v1".equals(x.reviews()) && "v1".equals(x.details())),
          "mesh traffic unaffected: every page whole (details v1, reviews v1)");
      check(mtlsCalls >= s.size(), "productpage's calls reached reviews over mutual TLS (" + mtlsCalls + " for " + s.size()
          + " pages)");
    } finally {
      long restored = cluster.delete("pa", "istio-system", "default");
      cluster.awaitSynced(restored, Duration.ofSeconds(20));
    }
    String after = traffic.probe("http://127.0.0.1:" + page.port() + "/productpage");
    out.println("  deleted PeerAuthentication istio-system/default: PERMISSIVE again, plaintext to productpage answers " + after);
    check(after.equals("200"), "PERMISSIVE again for the next steps: plaintext reaches productpage");
    return null;
  }

  /** Requests reviews counted from productpage's identity over mutual TLS (Istio's standard metric). */
  private long mutualTlsFromProductpage(Cluster.Workload reviews) throws IOException {
    return requestsTotal(cluster.adminText(reviews, "/stats/prometheus"), "reporter", "destination",
        "source_principal", "spiffe://cluster.local/ns/default/sa/productpage", "connection_security_policy", "mutual_tls");
  }

  /**
   * curl with the certificate {@code meshctl cert issue} wrote: the status and the first bytes
   * of the answer, or curl's error. {@code --insecure} because a workload certificate names a
   * SPIFFE ID, not a host name curl could match; the chain is what the demo's own client checks.
   * Null when curl is not installed.
   */
  private static @Nullable String curlWithCertificate(Path certs, String url) throws IOException, InterruptedException {
    List<String> command = List.of("curl", "-sS", "--max-time", "10", "--cert", certs.resolve("cert-chain.pem").toString(),
        "--key", certs.resolve("key.pem").toString(), "--insecure", "-w", "\n%{http_code}", url);
    Process curl;
    try {
      curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException noCurl) {
      return null;
    }
    String output = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    curl.waitFor();
    int lastLine = output.lastIndexOf('\n');
    String code = output.substring(lastLine + 1);
    String body = lastLine < 0 ? "" : output.substring(0, lastLine);
    if (curl.exitValue() != 0) {
      return "curl failed (exit " + curl.exitValue() + "): " + output;
    }
    return code + " " + (body.length() > 40 ? body.substring(0, 40) + "..." : body);
  }

  /** The sum of {@code istio_requests_total} over the series whose labels include {@code pairs}. */
  static long requestsTotal(String scrape, String... pairs) {
    long total = 0;
    for (String line : scrape.split("\n")) {
      if (!line.startsWith("istio_requests_total{")) {
        continue;
      }
      boolean match = true;
      for (int i = 0; i < pairs.length; i += 2) {
        match &= line.contains(pairs[i] + "=\"" + pairs[i + 1] + "\"");
      }
      if (match) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  private String circuitBreaking() throws IOException, InterruptedException {
    base("/circuit-breaker.yaml");
    int burst = n(16, 40);
    List<Sample> s = send("burst of " + burst + " at once (reviews: 1 connection, 1 pending)", burst, null, burst);
    long overflow = Traffic.countWhere(s, x -> x.hasError("reviews", "UO"));
    long whole = Traffic.countWhere(s, Sample::ok);
    check(all(s, x -> x.status() == 200), "productpage still answers every request");
    check(overflow > 0, overflow + " calls to reviews short-circuited with flag UO (upstream overflow)");
    check(whole > 0, whole + " got through (the pool admits one at a time, one waiting)");
    return null;
  }

  private String outlierEjection() throws IOException, InterruptedException {
    Cluster.Workload failing = find("reviews", "v1", 0);
    if (cluster.workloads().stream().filter(w -> w.service().equals("reviews") && w.version().equals("v1")).count() < 2) {
      cluster.startWorkload("reviews", "v1", null);
      cluster.awaitReady(Demo.STARTUP_WAIT);
      out.println("  started a second reviews v1 instance");
    }
    Cluster.Workload healthy = find("reviews", "v1", 1);
    base("/outlier-detection.yaml");
    long servedBefore = cluster.control(failing, "GET", "/demo/served").path("served").asLong();
    cluster.control(failing, "POST", "/demo/fail?status=503");
    out.println("  " + failing.name() + " now answers 503 to everything");
    try {
      int n = n(30, 60);
      List<Sample> s = send("anonymous users", n, null, 1);
      long errors = Traffic.countWhere(s, x -> x.hasError("reviews"));
      long beforeLate = cluster.control(failing, "GET", "/demo/served").path("served").asLong();
      List<Sample> late = send("after the ejection", n(10, 30), null, 1);
      long afterLate = cluster.control(failing, "GET", "/demo/served").path("served").asLong();
      out.printf("  %-34s %d request(s), answered 503, then ejected%n", failing.name(), beforeLate - servedBefore);
      check(beforeLate > servedBefore, "the failing instance was tried before it was ejected");
      check(errors <= 3, errors + " of " + n + " pages lacked reviews before the failing instance was ejected (expected: at most 3)");
      check(all(late, x -> x.ok() && ("reviews-v1-" + healthy.port()).equals(x.instance())),
          "then every request went to the healthy instance " + healthy.name());
      check(afterLate == beforeLate, "the ejected instance got no more requests (" + (afterLate - beforeLate) + ")");
    } finally {
      cluster.control(failing, "POST", "/demo/fail?status=0");
    }
    return null;
  }

  private String mirroring() throws IOException, InterruptedException {
    base("/mirror-reviews-v3.yaml");
    Cluster.Workload v3 = find("reviews", "v3", 0);
    long before = cluster.control(v3, "GET", "/demo/served").path("shadowed").asLong();
    int n = n(20, 50);
    List<Sample> s = send("anonymous users", n, null, 2);
    long mirrored = 0;
    for (int i = 0; i < 50; i++) {
      JsonNode served = cluster.control(v3, "GET", "/demo/served");
      mirrored = served.path("shadowed").asLong() - before;
      if (mirrored >= n) {
        break;
      }
      Thread.sleep(100);
    }
    out.printf("  %-34s %d of %d requests (Host reviews-shadow)%n", "mirrored to reviews v3", mirrored, n);
    check(all(s, x -> x.ok() && "v1".equals(x.reviews())), "every answer came from reviews v1");
    check(mirrored >= n * 9L / 10, "reviews v3 received the mirrored copies (" + mirrored + " of " + n + ")");
    return null;
  }

  @Override
  public void close() {
    traffic.close();
  }

}
