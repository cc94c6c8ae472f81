package dev.meshlet.benchmarks.scenario;

import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Scenarios 3 and 4, through Meshlet, plaintext and ISTIO_MUTUAL: <b>not built yet</b>. They wait
 * for Meshlet's runtime to be complete in main (mesh-agent's {@code Mesh} facade tying
 * mesh-routing's OkHttp client, mesh-tls's identities and mesh-agent's inbound Jetty adapter
 * together), and report {@code "not built"} with null figures until then.
 *
 * <p>To build them (the owners of the runtime): with a realistic config (a VirtualService with a
 * few routes, a DestinationRule with LEAST_REQUEST, outlier detection and a pool limit, retries,
 * metrics and sampled traces on), {@link #deploy} writes that config to {@code env.workDir()}
 * and points at the server's Meshlet-wrapped ports (add them to
 * {@link dev.meshlet.benchmarks.server.JettyBenchServer} through the inbound adapter, mTLS
 * STRICT for {@code meshlet_mtls}), {@link #client} wraps {@code base} with the Mesh's client, and
 * {@link #notBuiltReason} returns null.
 */
public final class MeshletScenario implements Scenario {
  private final String name;
  private final boolean mtls;

  private MeshletScenario(String name, boolean mtls) {
    this.name = name;
    this.mtls = mtls;
  }

  /** Scenario 3: Meshlet with plaintext between the services. */
  public static MeshletScenario plain() {
    return new MeshletScenario("meshlet_plain", false);
  }

  /** Scenario 4: Meshlet with ISTIO_MUTUAL mTLS between the services. */
  public static MeshletScenario mtls() {
    return new MeshletScenario("meshlet_mtls", true);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public @Nullable String notBuiltReason() {
    return "not wired yet: needs Meshlet's runtime (the Mesh facade over mesh-routing's client"
        + (mtls ? ", mesh-tls's identities" : "") + " and mesh-agent's inbound Jetty adapter); see MeshletScenario";
  }

  @Override
  public Deployment deploy(BenchEnvironment env) {
    throw new UnsupportedOperationException(name + ": " + notBuiltReason());
  }

  @Override
  public OkHttpClient client(OkHttpClient base, BenchEnvironment env) {
    throw new UnsupportedOperationException(name + ": " + notBuiltReason());
  }
}
