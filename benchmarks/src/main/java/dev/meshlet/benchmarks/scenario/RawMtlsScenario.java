package dev.meshlet.benchmarks.scenario;

import dev.meshlet.benchmarks.tls.BenchPki;
import okhttp3.OkHttpClient;

/**
 * Scenario 2, the floor for any mTLS mesh: OkHttp with plain JSSE presenting a client
 * certificate to the server's needClientAuth port, trusting only the bench CA.
 */
public final class RawMtlsScenario implements Scenario {
  @Override
  public String name() {
    return "raw_mtls";
  }

  @Override
  public Deployment deploy(BenchEnvironment env) {
    // localhost, not 127.0.0.1: OkHttp then checks the server's DNS SAN as it would a real host.
    return Deployment.direct("https://localhost:" + env.serverMtlsPort() + "/reviews/0");
  }

  @Override
  public OkHttpClient client(OkHttpClient base, BenchEnvironment env) throws Exception {
    var ssl = BenchPki.sslContext(env.pkiDir(), BenchPki.CLIENT_P12);
    return base.newBuilder()
        .sslSocketFactory(ssl.getSocketFactory(), BenchPki.trustManager(env.pkiDir()))
        .build();
  }
}
