package dev.meshlet.benchmarks.scenario;

import dev.meshlet.benchmarks.proxy.HaproxySidecars;
import okhttp3.OkHttpClient;

/**
 * Scenario 5, the sidecar model: OkHttp in plaintext to a client-side HAProxy on loopback, mTLS
 * from it to a server-side HAProxy, plaintext from that to the server. See {@link HaproxySidecars}
 * for how the proxies are configured.
 */
public final class SidecarScenario implements Scenario {
  @Override
  public String name() {
    return "sidecar";
  }

  @Override
  public Deployment deploy(BenchEnvironment env) throws Exception {
    HaproxySidecars sidecars = HaproxySidecars.start(env);
    return new Deployment("http://127.0.0.1:" + sidecars.outboundPort() + "/reviews/0", sidecars.pids(), sidecars);
  }

  @Override
  public OkHttpClient client(OkHttpClient base, BenchEnvironment env) {
    return base;
  }
}
