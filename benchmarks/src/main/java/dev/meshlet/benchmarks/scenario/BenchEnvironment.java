package dev.meshlet.benchmarks.scenario;

import java.nio.file.Path;

/**
 * What a scenario may use: the bench server's ports, the certificates and a scratch directory.
 *
 * @param workDir scratch space for generated configs and logs; deleted by run.sh
 * @param pkiDir the bench CA's files ({@link dev.meshlet.benchmarks.tls.BenchPki})
 * @param serverPlainPort the bench server's plaintext port on 127.0.0.1
 * @param serverMtlsPort the bench server's mTLS port on 127.0.0.1
 * @param haproxy the HAProxy binary to run
 * @param meshletPlainPort the same application behind Meshlet's inbound adapter, plaintext; 0 when not served
 * @param meshletMtlsPort the same behind Meshlet's inbound adapter, STRICT mTLS; 0 when not served
 */
public record BenchEnvironment(Path workDir, Path pkiDir, int serverPlainPort, int serverMtlsPort, String haproxy,
    int meshletPlainPort, int meshletMtlsPort) {

  /** Meshlet's config directories and CA ({@link dev.meshlet.benchmarks.mesh.MeshletConfig}). */
  public Path meshDir() {
    return workDir.resolve("mesh");
  }
}
