package dev.meshlet.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  @Test
  void threadsThatDifferByANumberOrByTheCallTheyRunAreOneKind() {
    assertThat(ThreadCpu.kind("GC Thread#1")).isEqualTo("GC Thread");
    assertThat(ThreadCpu.kind("meshlet-jetty-12")).isEqualTo("meshlet-jetty");
    // /proc's comm keeps 15 characters: a dispatcher thread renamed for its call.
    assertThat(ThreadCpu.kind("OkHttp http://r")).isEqualTo(ThreadCpu.kind("OkHttp Dispatch"));
  }
}
