package dev.meshlet.agent.server;

import dev.meshlet.agent.context.RequestScope;
import dev.meshlet.tls.authz.AuthorizationDecision;
import dev.meshlet.tls.authz.SourceIdentity;
import dev.meshlet.tls.verify.VerifiedPeer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;

/**
 * One inbound request after the chain looked at it: either a {@link #refusal()} the adapter
 * answers instead of the handler, or admitted with a {@link #scope()} the handler runs in. The
 * adapter {@linkplain #end ends} it once the response is done. The handler finds it under
 * {@link #ATTRIBUTE} (request or exchange attribute) to read the caller's identity.
 */
public final class InboundCall {

  /** The name of the request (or exchange) attribute an adapter stores this call under. */
  public static final String ATTRIBUTE = "dev.meshlet.agent.server.InboundCall";

  private final @Nullable VerifiedPeer peer;
  private final SourceIdentity source;
  private final ConnectionSecurity security;
  private final AuthorizationDecision decision;
  private final @Nullable Refusal refusal;
  private final @Nullable RequestScope scope;
  private final InboundTelemetry.Observation observation;
  // A field updater, not an AtomicBoolean: one object fewer per request.
  private static final AtomicIntegerFieldUpdater<InboundCall> ENDED =
      AtomicIntegerFieldUpdater.newUpdater(InboundCall.class, "ended");
  private volatile int ended;

  InboundCall(@Nullable VerifiedPeer peer, SourceIdentity source, ConnectionSecurity security,
      AuthorizationDecision decision, @Nullable Refusal refusal, @Nullable RequestScope scope,
      InboundTelemetry.Observation observation) {
    this.peer = peer;
    this.source = source;
    this.security = security;
    this.decision = decision;
    this.refusal = refusal;
    this.scope = scope;
    this.observation = observation;
  }

  /** What to answer instead of running the handler, or null when the request is admitted. */
  public @Nullable Refusal refusal() {
    return refusal;
  }

  /** Whether the handler may run. */
  public boolean admitted() {
    return refusal == null;
  }

  /** The caller's verified mesh identity, empty for plaintext. */
  public Optional<VerifiedPeer> peer() {
    return Optional.ofNullable(peer);
  }

  /** The caller's principal, namespace and service account as authorization read them. */
  public SourceIdentity source() {
    return source;
  }

  /** Whether the request came over mutual TLS. */
  public ConnectionSecurity security() {
    return security;
  }

  /** What authorization decided (NO_POLICY when a refusal came before it). */
  public AuthorizationDecision authorization() {
    return decision;
  }

  /**
   * The scope the handler runs in, not yet attached to a thread: {@code try (var s = call.scope().attach())}.
   *
   * @throws IllegalStateException when the request was refused
   */
  public RequestScope scope() {
    if (scope == null) {
      throw new IllegalStateException("InboundCall: refused (" + refusal + "), no scope to run a handler in");
    }
    return scope;
  }

  /**
   * Reports the end of the request; only the first call counts.
   *
   * @param status the status sent, 0 when the connection was closed without one
   * @param error what failed, or null
   */
  public void end(int status, @Nullable Throwable error) {
    if (!ENDED.compareAndSet(this, 0, 1)) {
      return;
    }
    try {
      observation.end(status, refusal == null ? "" : refusal.responseFlags(), error);
    } catch (RuntimeException e) {
      InboundChain.LOG.warn("inbound telemetry failed to end a request; ignored", e);
    }
  }

  @Override
  public String toString() {
    return "InboundCall{source=" + source.principal() + ", security=" + security.label()
        + (refusal == null ? "" : ", refused " + refusal.status()) + "}";
  }
}
