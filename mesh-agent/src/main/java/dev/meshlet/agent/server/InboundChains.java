package dev.meshlet.agent.server;

import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The inbound chain of one workload, kept current: each request reads the context's snapshot
 * (one volatile read in the runtime) and reuses the chain compiled for it; a new snapshot is
 * compiled once, by the first request that sees it. A snapshot whose policies cannot be compiled
 * leaves the previous chain in force (and, with none before it, refuses every request with 503).
 * One per server; adapters share nothing else.
 */
public final class InboundChains {

  private final InboundContext context;
  private final LongAdder denied = new LongAdder();
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile InboundChain current;

  private InboundChains(InboundContext context) {
    this.context = context;
    this.current = compileOrKeep(context.snapshot(), null);
  }

  /** Compiles the chain of the context's current snapshot. */
  public static InboundChains of(InboundContext context) {
    return new InboundChains(Objects.requireNonNull(context, "context"));
  }

  /** The context the chains are compiled for. */
  public InboundContext context() {
    return context;
  }

  /**
   * The chain of the snapshot in force now. Before the mesh is ready, this waits for readiness (a
   * bounded time, the runtime's startup wait) and then gives the chain of the config that made it
   * ready, or, when the wait ran out, one that refuses the request with 503 {@link
   * InboundHeaders#NOT_READY}: a request is never served under an empty or partial config.
   */
  public InboundChain current() {
    if (!context.isReady()) {
      InboundChain refusal = awaitReady();
      if (refusal != null) {
        return refusal;
      }
    }
    InboundChain chain = current;
    ConfigSnapshot snapshot = context.snapshot();
    if (chain.snapshot() == snapshot) {
      return chain;
    }
    synchronized (this) {
      chain = current;
      if (chain.snapshot() != snapshot) {
        chain = compileOrKeep(snapshot, chain);
        current = chain;
      }
      return chain;
    }
  }

  /** Requests waiting now for the mesh to be ready. */
  public int waitingForReadiness() {
    return waiting.get();
  }

  private @Nullable InboundChain awaitReady() {
    waiting.incrementAndGet();
    try {
      if (context.awaitReady()) {
        return null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      waiting.decrementAndGet();
    }
    List<String> missing = context.waitingFor();
    return InboundChain.notReady(context, context.snapshot(),
        missing.isEmpty() ? "nothing: the mesh is closed" : String.join("; ", missing), denied);
  }

  /** How many requests authorization has denied, over all snapshots. */
  public long deniedRequests() {
    return denied.sum();
  }

  private InboundChain compileOrKeep(ConfigSnapshot snapshot, @Nullable InboundChain previous) {
    try {
      return InboundChain.compile(context, snapshot, denied);
    } catch (RuntimeException e) {
      if (previous != null) {
        InboundChain.LOG.warn("inbound policies of snapshot {} cannot be applied; keeping those of snapshot {}: {}",
            snapshot.version(), previous.snapshot().version(), e.getMessage());
        // Remember the refused snapshot so it is not compiled again on every request.
        return previous.withSnapshot(snapshot);
      }
      InboundChain.LOG.error("inbound policies of snapshot {} cannot be applied; refusing requests until a good one: {}",
          snapshot.version(), e.getMessage());
      return InboundChain.failClosed(context, snapshot, String.valueOf(e.getMessage()), denied);
    }
  }
}
