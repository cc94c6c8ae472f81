package dev.meshlet.agent.discovery;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What the code under test logs (slf4j-simple writes to System.err) while one action runs. */
final class StdErr {
  private StdErr() {}

  interface Action {
    void run() throws Exception;
  }

  /** Runs {@code action} with System.err copied into the returned text as well. */
  static synchronized String capture(Action action) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    PrintStream tee = new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        original.write(b);
        copy.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        original.write(b, off, len);
        synchronized (copy) {
          copy.write(b, off, len);
        }
      }
    }, true, StandardCharsets.UTF_8);
    System.setErr(tee);
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    synchronized (copy) {
      return copy.toString(StandardCharsets.UTF_8);
    }
  }
}
