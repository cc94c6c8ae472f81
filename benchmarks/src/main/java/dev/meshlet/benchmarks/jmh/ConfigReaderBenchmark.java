package dev.meshlet.benchmarks.jmh;

import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What reading a config costs with mesh-core's {@link ConfigReader}: parse the YAML, bind the
 * records and run Istio's validation, for Bookinfo's reviews VirtualService alone and with its
 * DestinationRule. This is the control plane's cost per update (never the request path's), and
 * what a hot reload of a directory pays per file. Run with {@code -prof gc} for bytes per read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
// Not final: JMH generates a subclass of each benchmark class.
public class ConfigReaderBenchmark {
  private String virtualService = "";
  private String virtualServiceAndDestinationRule = "";

  @Setup
  public void load() {
    virtualServiceAndDestinationRule = resource("/bookinfo/reviews.yaml");
    virtualService = virtualServiceAndDestinationRule.substring(0,
        virtualServiceAndDestinationRule.indexOf("\n---\n") + 1);
    // A benchmark of a rejected document would measure the error path: refuse to run instead.
    requireValid(ConfigReader.read("reviews-vs.yaml", virtualService), 1);
    requireValid(ConfigReader.read("reviews.yaml", virtualServiceAndDestinationRule), 2);
  }

  @Benchmark
  public List<ResourceReport> readVirtualService() {
    return ConfigReader.read("reviews-vs.yaml", virtualService);
  }

  @Benchmark
  public List<ResourceReport> readVirtualServiceAndDestinationRule() {
    return ConfigReader.read("reviews.yaml", virtualServiceAndDestinationRule);
  }

  private static void requireValid(List<ResourceReport> reports, int expected) {
    if (reports.size() != expected || !reports.stream().allMatch(ResourceReport::valid)) {
      throw new IllegalStateException("benchmark input is not " + expected + " valid resources: "
          + reports.stream().flatMap(r -> r.lines().stream()).toList());
    }
  }

  private static String resource(String name) {
    try (InputStream in = Objects.requireNonNull(ConfigReaderBenchmark.class.getResourceAsStream(name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
