package dev.meshlet.benchmarks.scenario;

import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * One way of calling the bench server, compared with the others under the same load. This is
 * the seam Meshlet's scenarios plug into: {@link #deploy} runs in the orchestrating process
 * (start a proxy, a discovery server, a config directory), {@link #client} in the measured
 * client process (wrap the harness's OkHttpClient, which carries the dispatcher and pool
 * limits, and keep its dispatcher and pool).
 */
public interface Scenario extends AutoCloseable {
  /** The key in the JSON report. */
  String name();

  /** Null when the scenario can run; otherwise why not (reported as {@code "not built: why"}). */
  default @Nullable String notBuiltReason() {
    return null;
  }

  /** Starts what the scenario needs between client and server; the result is closed after the run. */
  Deployment deploy(BenchEnvironment env) throws Exception;

  /** The client this scenario measures, derived from {@code base} with {@code newBuilder()}. */
  OkHttpClient client(OkHttpClient base, BenchEnvironment env) throws Exception;

  /** Releases what {@link #client} started (a Mesh), when the client is done with before its JVM exits. */
  @Override
  default void close() {}
}
