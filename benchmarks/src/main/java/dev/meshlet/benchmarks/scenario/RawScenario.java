package dev.meshlet.benchmarks.scenario;

import okhttp3.OkHttpClient;

/** Scenario 1, the floor: OkHttp straight to the server's plaintext port. */
public final class RawScenario implements Scenario {
  @Override
  public String name() {
    return "raw";
  }

  @Override
  public Deployment deploy(BenchEnvironment env) {
    return Deployment.direct("http://127.0.0.1:" + env.serverPlainPort() + "/reviews/0");
  }

  @Override
  public OkHttpClient client(OkHttpClient base, BenchEnvironment env) {
    return base;
  }
}
