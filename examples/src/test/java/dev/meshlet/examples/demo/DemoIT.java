package dev.meshlet.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.examples.demo.Demo.Outcome;
import dev.meshlet.examples.demo.Demo.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs {@code bin/demo --fast} as CI does: a discovery server and every Bookinfo service as
 * separate processes on loopback, Istio's rules from {@code samples/bookinfo}, each step checked.
 */
class DemoIT {

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // about 2.5 min on two shared cores
  void walksIstiosBookinfoTasks() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new TeeStream(bytes, System.out), true, StandardCharsets.UTF_8);
    Path samples = Path.of("..", "samples", "bookinfo").toAbsolutePath().normalize();

    List<Outcome> outcomes = Demo.run(out, "--fast", "--no-progress", "--samples", samples.toString(),
        "--work-dir", Path.of("target", "demo-it").toAbsolutePath().toString());

    String log = bytes.toString(StandardCharsets.UTF_8);
    Map<Integer, Status> byStep = outcomes.stream().collect(Collectors.toMap(Outcome::step, Outcome::status));
    assertThat(outcomes).as(log).noneMatch(o -> o.status() == Status.FAILED);
    for (int step = 1; step <= 9; step++) {
      assertThat(byStep.get(step)).as("step " + step + "\n" + log).isEqualTo(Status.PASSED);
    }
    // Step 6 ran for real: STRICT refused plaintext, and the certificate-holding callers got through.
    assertThat(log).contains("plaintext -> reviews               refused", "curl --cert (gateway) -> reviews   200",
        "PERMISSIVE again");
    assertThat(log).contains("Where to look", "/stats/prometheus", "spiffe://cluster.local/ns/default/sa/reviews");
  }

  /** Writes to two streams: the test's record and the console. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
