package dev.meshlet.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Sends requests to productpage from outside the mesh, as a browser would, with a progress bar;
 * summarizes what came back as a short table.
 */
final class Traffic implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One answer of productpage.
   *
   * @param status productpage's HTTP status, 0 when it did not answer
   * @param reviews reviews' version, with the ratings' stars when shown ({@code v2 (4 black)}), or null
   * @param instance the reviews instance that served, or null
   * @param errors each error as {@code service:status:flag}
   */
  record Sample(int status, @Nullable String details, @Nullable String reviews, @Nullable String instance,
      List<String> errors, long millis) {
    boolean ok() {
      return status == 200 && errors.isEmpty();
    }

    boolean hasError(String service, String flag) {
      return errors.stream().anyMatch(e -> e.startsWith(service + ":") && e.endsWith(":" + flag));
    }

    boolean hasError(String service) {
      return errors.stream().anyMatch(e -> e.startsWith(service + ":"));
    }
  }

  private final PrintStream out;
  private final OkHttpClient http;
  private final String productpage;
  private final boolean progress;

  /** Plaintext traffic, as from a browser outside the mesh. */
  Traffic(PrintStream out, int productpagePort, boolean progress) {
    this(out, "http://127.0.0.1:" + productpagePort + "/productpage", new OkHttpClient.Builder(), progress);
  }

  private Traffic(PrintStream out, String productpage, OkHttpClient.Builder client, boolean progress) {
    this.out = out;
    this.progress = progress;
    this.productpage = productpage;
    this.http = client.readTimeout(Duration.ofSeconds(30)).callTimeout(Duration.ofSeconds(30)).build();
    http.dispatcher().setMaxRequestsPerHost(256);
    http.dispatcher().setMaxRequests(256);
  }

  /** The same traffic over mTLS, presenting {@code certificate} (close it after use). */
  Traffic withCertificate(CallerCertificate certificate) {
    return new Traffic(out, productpage.replaceFirst("^http:", "https:"), certificate.configure(new OkHttpClient.Builder()),
        progress);
  }

  /**
   * One GET of {@code url}: {@code "200"} (the status; over https with the body's start) or how it was refused
   * ({@code "refused (connection closed, no answer)"}).
   */
  String probe(String url) {
    try (Response response = http.newCall(new Request.Builder().url(url).build()).execute()) {
      String body = response.body().string();
      return response.code() + (url.startsWith("https:") ? " " + (body.length() > 40 ? body.substring(0, 40) + "..." : body) : "");
    } catch (IOException e) {
      return "refused (" + (e.getMessage() != null && e.getMessage().contains("unexpected end of stream")
          ? "connection closed without an answer" : e.getClass().getSimpleName() + ": " + e.getMessage()) + ")";
    }
  }

  boolean progress() {
    return progress;
  }

  /** Sends {@code count} requests as {@code user} (null: anonymous), {@code concurrency} at a time. */
  List<Sample> send(String label, int count, @Nullable String user, int concurrency) throws InterruptedException {
    List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(pool.submit(() -> {
          samples.add(one(user));
          bar(label, done.incrementAndGet(), count);
          return null;
        }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("traffic: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    if (progress) {
      out.print("\r" + " ".repeat(78) + "\r");
    }
    return List.copyOf(samples);
  }

  private void bar(String label, int done, int total) {
    if (!progress) {
      return;
    }
    int width = 30;
    int filled = done * width / total;
    synchronized (out) {
      out.printf("\r  %-28s [%s%s] %d/%d", label, "#".repeat(filled), ".".repeat(width - filled), done, total);
      out.flush();
    }
  }

  private Sample one(@Nullable String user) {
    long start = System.nanoTime();
    Request.Builder request = new Request.Builder().url(productpage);
    if (user != null) {
      request.header("end-user", user);
    }
    try (Response response = http.newCall(request.build()).execute()) {
      String text = response.body().string();
      long millis = (System.nanoTime() - start) / 1_000_000;
      if (response.code() != 200) {
        return new Sample(response.code(), null, null, null, List.of("productpage:" + response.code() + ":-"), millis);
      }
      JsonNode page = JSON.readTree(text);
      String details = page.path("details").path("version").asText(null);
      JsonNode reviews = page.path("reviews");
      String version = reviews.path("version").asText(null);
      if (version != null && reviews.has("ratings")) {
        version += " (" + reviews.path("ratings").path("stars").asInt() + " " + reviews.path("ratings").path("color").asText() + ")";
      } else if (version != null && reviews.has("ratingsError")) {
        version += " (ratings unavailable)";
      }
      List<String> errors = new ArrayList<>();
      for (JsonNode e : page.path("errors")) {
        errors.add(e.path("service").asText() + ":" + e.path("status").asInt() + ":" + e.path("flag").asText());
      }
      return new Sample(200, details, version, reviews.path("instance").asText(null), List.copyOf(errors), millis);
    } catch (IOException e) {
      return new Sample(0, null, null, null, List.of("productpage:0:" + e.getClass().getSimpleName()),
          (System.nanoTime() - start) / 1_000_000);
    }
  }

  /** Prints what served, statuses, errors and latency percentiles of {@code samples}, under their label. */
  void table(List<Sample> samples) {
    Map<String, Long> served = count(samples, s -> s.reviews() == null ? "(reviews unavailable)" : "reviews " + s.reviews());
    Map<String, Long> statuses = count(samples, s -> Integer.toString(s.status()));
    Map<String, Long> errors = new TreeMap<>();
    for (Sample s : samples) {
      for (String e : s.errors()) {
        errors.merge(describeError(e), 1L, Long::sum);
      }
    }
    out.printf("    %-12s %s%n", "served by", join(served));
    out.printf("    %-12s %s%n", "status", join(statuses));
    out.printf("    %-12s %s%n", "errors", errors.isEmpty() ? "none" : join(errors));
    out.printf("    %-12s p50 %d ms, p99 %d ms%n", "latency", percentile(samples, 50), percentile(samples, 99));
  }

  /** {@code reviews:0:UO} as a reader of Istio's docs says it: {@code reviews (no answer, UO)}. */
  static String describeError(String error) {
    String[] parts = error.split(":", 3);
    if (parts.length < 3) {
      return error;
    }
    String status = parts[1].equals("0") ? "no answer" : parts[1];
    return parts[0] + " (" + status + (parts[2].equals("-") ? "" : ", " + parts[2]) + ")";
  }

  static Map<String, Long> count(List<Sample> samples, java.util.function.Function<Sample, String> key) {
    return samples.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
  }

  static long countWhere(List<Sample> samples, Predicate<Sample> p) {
    return samples.stream().filter(p).count();
  }

  static long percentile(List<Sample> samples, int p) {
    if (samples.isEmpty()) {
      return 0;
    }
    List<Long> sorted = samples.stream().map(Sample::millis).sorted().toList();
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  private static String join(Map<String, Long> counts) {
    return counts.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
