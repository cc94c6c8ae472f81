package dev.meshlet.benchmarks.load;

/**
 * Sends one request and reports its outcome once, from any thread. An asynchronous sender
 * returns at once; a synchronous one (as in tests) may block the caller, which the open-model
 * generator then corrects for.
 */
@FunctionalInterface
public interface RequestSender {
  void send(Completion completion);

  /** Called exactly once per request: {@code ok} when the answer was a complete 2xx. */
  @FunctionalInterface
  interface Completion {
    void complete(boolean ok);
  }
}
