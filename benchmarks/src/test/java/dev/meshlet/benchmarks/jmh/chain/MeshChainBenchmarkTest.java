package dev.meshlet.benchmarks.jmh.chain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MeshChainBenchmarkTest {
  @Test
  void eachMeshCallRunsTheClientAndServerChainsWithoutANetwork() throws Exception {
    MeshChainBenchmark benchmark = new MeshChainBenchmark();
    benchmark.sampling = 1.0;
    benchmark.setUp();
    try {
      for (int i = 0; i < 20; i++) {
        assertThat(benchmark.meshCall()).isEqualTo(73);
        assertThat(benchmark.rawCall()).isEqualTo(73);
      }
      assertThat(benchmark.meshClientOnly()).isEqualTo(73);
      // setUp's own check calls plus the 20: each side counted every call, and with every trace
      // sampled each side ended a span per call (raw calls add nothing to either); the
      // client-only calls (setUp's and this one) show on the client alone.
      assertThat(benchmark.recorded()).containsExactly(23.0, 21.0, 23.0, 21.0);
    } finally {
      benchmark.tearDown();
    }
  }
}
