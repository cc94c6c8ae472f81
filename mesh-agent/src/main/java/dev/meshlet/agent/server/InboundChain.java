package dev.meshlet.agent.server;

import dev.meshlet.agent.context.RequestScope;
import dev.meshlet.core.config.security.PeerAuthentication.Mode;
import dev.meshlet.core.config.snapshot.ConfigSnapshot;
import dev.meshlet.routing.ResponseFlag;
import dev.meshlet.tls.authz.AuthorizationDecision;
import dev.meshlet.tls.authz.ConnectionAttributes;
import dev.meshlet.tls.authz.IpAddress;
import dev.meshlet.tls.authz.RequestAttributes;
import dev.meshlet.tls.authz.SourceIdentity;
import dev.meshlet.tls.authz.WorkloadAuthorizer;
import dev.meshlet.tls.mode.PeerAuthenticationPolicy;
import dev.meshlet.tls.mode.WorkloadMtls;
import dev.meshlet.tls.verify.VerifiedPeer;
import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DESIGN.md's inbound walk for one workload under one config snapshot, compiled once: the mTLS
 * mode of each port (PeerAuthentication) and the AuthorizationPolicies as matchers. Per request,
 * {@link #begin} checks the connection against the mode, authorizes the caller, refuses a request
 * whose deadline has passed and opens telemetry; it takes no lock and parses no config.
 *
 * <p>Order, as Envoy's filter chain: mode, then authorization (a denied request is a 403 whatever
 * its deadline), then the deadline.
 */
public final class InboundChain {

  static final Logger LOG = LoggerFactory.getLogger(InboundChain.class);

  private static final String RBAC = ResponseFlag.RBAC.name();
  private static final String UT = ResponseFlag.UT.name();

  private static final Refusal MTLS_REQUIRED = new Refusal(403,
      "mTLS required: PeerAuthentication mode STRICT accepts only mutual TLS with a mesh certificate\n",
      Map.of(), true, "");
  private static final Refusal PLAINTEXT_ONLY = new Refusal(403,
      "plaintext required: PeerAuthentication mode DISABLE accepts no TLS\n", Map.of(), true, "");

  private final InboundContext context;
  private final ConfigSnapshot snapshot;
  private final WorkloadMtls mtls;
  private final WorkloadAuthorizer authorizer;
  private final @Nullable Refusal broken;
  private final LongAdder denied;
  private final LastIp remoteIp = new LastIp();
  private final LastIp localIp = new LastIp();
  private volatile @Nullable PeerSource lastPeer;
  private volatile @Nullable ConnectionAttributes lastConnection;

  private InboundChain(InboundContext context, ConfigSnapshot snapshot, WorkloadMtls mtls,
      WorkloadAuthorizer authorizer, @Nullable Refusal broken, LongAdder denied) {
    this.context = context;
    this.snapshot = snapshot;
    this.mtls = mtls;
    this.authorizer = authorizer;
    this.broken = broken;
    this.denied = denied;
  }

  /**
   * Compiles the chain of {@code context}'s workload under {@code snapshot}.
   *
   * @throws IllegalArgumentException when an AuthorizationPolicy cannot be enforced (CUSTOM, JWT
   *     attributes); the message names the policy and field
   */
  public static InboundChain compile(InboundContext context, ConfigSnapshot snapshot) {
    return compile(context, snapshot, new LongAdder());
  }

  static InboundChain compile(InboundContext context, ConfigSnapshot snapshot, LongAdder denied) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(snapshot, "snapshot");
    String namespace = context.identity().namespace();
    Map<String, String> labels = context.labels();
    WorkloadMtls mtls = PeerAuthenticationPolicy.compile(snapshot, context.rootNamespace()).forWorkload(namespace, labels);
    WorkloadAuthorizer authorizer = WorkloadAuthorizer.compile(snapshot, namespace, labels);
    return new InboundChain(context, snapshot, mtls, authorizer, null, denied);
  }

  /**
   * A chain that refuses every request with 503: for a workload whose first snapshot could not be
   * compiled, so it fails closed rather than serving without its policies.
   */
  static InboundChain failClosed(InboundContext context, ConfigSnapshot snapshot, String why, LongAdder denied) {
    Refusal refusal = new Refusal(503, "inbound policies could not be applied: " + why + "\n", Map.of(), false, "");
    return new InboundChain(context, snapshot, WorkloadMtls.DEFAULT, WorkloadAuthorizer.none(), refusal, denied);
  }

  /**
   * A chain that refuses every request with 503 and {@link InboundHeaders#NOT_READY}: for requests
   * that arrived before the mesh was ready and waited for it in vain, so none is served without its
   * config.
   */
  static InboundChain notReady(InboundContext context, ConfigSnapshot snapshot, String why, LongAdder denied) {
    String header = why.replaceAll("[\\r\\n]+", " ");
    Refusal refusal = new Refusal(503, "mesh not ready: waiting for " + why + "\n",
        Map.of(InboundHeaders.NOT_READY, header.length() > 512 ? header.substring(0, 512) : header), false, "");
    return new InboundChain(context, snapshot, WorkloadMtls.DEFAULT, WorkloadAuthorizer.none(), refusal, denied);
  }

  /** This chain's policies, kept in force under {@code refused}, a snapshot that could not be compiled. */
  InboundChain withSnapshot(ConfigSnapshot refused) {
    return new InboundChain(context, refused, mtls, authorizer, broken, denied);
  }

  /** The snapshot this chain was compiled from (or, when that one was refused, the refused one). */
  public ConfigSnapshot snapshot() {
    return snapshot;
  }

  /** The resolved mTLS modes of this workload. */
  public WorkloadMtls mtls() {
    return mtls;
  }

  /** The mode a connection to {@code port} must meet. */
  public Mode modeFor(int port) {
    return mtls.modeFor(port);
  }

  /** The compiled AuthorizationPolicies of this workload. */
  public WorkloadAuthorizer authorizer() {
    return authorizer;
  }

  /** Runs the walk up to the handler for {@code request}; never throws for telemetry's sake. */
  public InboundCall begin(InboundRequest request) {
    VerifiedPeer peer = request.tls() ? request.peer() : null;
    boolean mutual = peer != null;
    SourceIdentity source = mutual ? source(peer) : SourceIdentity.NONE;
    ConnectionSecurity security = mutual ? ConnectionSecurity.MUTUAL_TLS : ConnectionSecurity.NONE;
    ChainHeaders read = ChainHeaders.read(request.headers());
    Map<String, String> trace = read.trace();
    Instant now = context.clock().instant();
    InboundTelemetry.Observation observation = start(new InboundCallInfo(context.identity(), source, security,
        request.method(), request.pathAndQuery(), request.authority(), trace, request.localPort(), now,
        read.peerMetadata()));

    if (broken != null) {
      return refused(peer, source, security, broken, observation);
    }
    Mode mode = mtls.modeFor(request.localPort());
    if (mode == Mode.STRICT && !mutual) {
      return refused(peer, source, security, MTLS_REQUIRED, observation);
    }
    if (mode == Mode.DISABLE && request.tls()) {
      return refused(peer, source, security, PLAINTEXT_ONLY, observation);
    }

    AuthorizationDecision decision = AuthorizationDecision.NO_POLICY;
    if (!authorizer.isEmpty()) {
      ConnectionAttributes connection = connection(source, remoteIp.of(request.remoteAddress()),
          localIp.of(request.localAddress()), request.localPort(), request.sni());
      decision = authorizer.evaluate(RequestAttributes.of(connection, request.method(), request.pathAndQuery(),
          request.authority(), request.headers()));
      try {
        observation.authorized(decision);
      } catch (RuntimeException e) {
        LOG.warn("inbound telemetry failed on an authorization decision; ignored", e);
      }
      if (decision.denied()) {
        denied.increment();
        Map<String, String> headers = new HashMap<>();
        headers.put(InboundHeaders.RESPONSE_FLAGS, RBAC);
        headers.put(InboundHeaders.AUTHZ_REASON, decision.reason());
        if (decision.policy() != null) {
          headers.put(InboundHeaders.AUTHZ_POLICY, decision.policy());
        }
        Refusal refusal = new Refusal(AuthorizationDecision.DENIED_STATUS, AuthorizationDecision.DENIED_BODY,
            headers, false, RBAC);
        return new InboundCall(peer, source, security, decision, refusal, null, observation);
      }
    }

    String deadlineHeader = read.deadline();
    Instant deadline = null;
    if (deadlineHeader != null) {
      long millis;
      try {
        millis = Long.parseLong(deadlineHeader.trim());
      } catch (NumberFormatException e) {
        return new InboundCall(peer, source, security, decision, new Refusal(400,
            InboundHeaders.DEADLINE_MS + ": '" + deadlineHeader + "' (expected: whole milliseconds the caller still waits)\n",
            Map.of(), false, ""), null, observation);
      }
      if (millis <= 0) {
        // The caller has given up already: serving would spend work nobody reads. Envoy's flag for
        // a request that ran out of time is UT, which the caller's own telemetry shows too.
        return new InboundCall(peer, source, security, decision, new Refusal(504,
            "deadline exceeded: the caller's " + InboundHeaders.DEADLINE_MS + " was " + millis + "\n",
            Map.of(InboundHeaders.RESPONSE_FLAGS, UT), false, UT), null, observation);
      }
      deadline = now.plusMillis(millis);
    }
    Map<String, String> propagated = trace;
    try {
      propagated = observation.propagation(trace);
    } catch (RuntimeException e) {
      LOG.warn("inbound telemetry failed to give propagation headers; the caller's are carried on", e);
    }
    return new InboundCall(peer, source, security, decision, null, RequestScope.of(propagated, deadline), observation);
  }

  /** How many requests authorization denied under any chain sharing this chain's counter. */
  long deniedCount() {
    return denied.sum();
  }

  private InboundTelemetry.Observation start(InboundCallInfo info) {
    try {
      InboundTelemetry.Observation observation = context.telemetry().start(info);
      return observation == null ? InboundTelemetry.Observation.NOOP : observation;
    } catch (RuntimeException e) {
      LOG.warn("inbound telemetry failed to start observing a request; served without it", e);
      return InboundTelemetry.Observation.NOOP;
    }
  }

  private static InboundCall refused(@Nullable VerifiedPeer peer, SourceIdentity source, ConnectionSecurity security,
      Refusal refusal, InboundTelemetry.Observation observation) {
    return new InboundCall(peer, source, security, AuthorizationDecision.NO_POLICY, refusal, null, observation);
  }

  /**
   * The caller's identity as authorization reads it. Adapters hand the same {@link VerifiedPeer}
   * for every request of a connection (kept with its TLS session), so the last one's is kept.
   */
  private SourceIdentity source(VerifiedPeer peer) {
    PeerSource last = lastPeer;
    if (last != null && (last.peer == peer || sameId(last.peer, peer))) {
      // Each connection has its own peer object; a caller's connections share its SPIFFE ID.
      return last.source;
    }
    SourceIdentity source = SourceIdentity.of(peer);
    lastPeer = new PeerSource(peer, source);
    return source;
  }

  /**
   * The connection as authorization reads it; the last one is kept, as its parts (kept above by
   * identity) repeat for every request of a connection and mostly of a caller.
   */
  private ConnectionAttributes connection(SourceIdentity source, @Nullable IpAddress remote, @Nullable IpAddress local,
      int port, @Nullable String sni) {
    ConnectionAttributes last = lastConnection;
    if (last != null && last.source() == source && last.sourceIp() == remote && last.destinationIp() == local
        && last.destinationPort() == port && Objects.equals(last.sni(), sni)) {
      return last;
    }
    ConnectionAttributes connection = new ConnectionAttributes(source, remote, local, port, sni);
    lastConnection = connection;
    return connection;
  }

  private static boolean sameId(VerifiedPeer a, VerifiedPeer b) {
    return a.spiffeId().path().equals(b.spiffeId().path())
        && a.spiffeId().trustDomain().name().equals(b.spiffeId().trustDomain().name());
  }

  private record PeerSource(VerifiedPeer peer, SourceIdentity source) {}

  /**
   * One address as authorization reads it, the last one kept: the local address is the same for
   * every request, the remote one for every request of a connection.
   */
  private static final class LastIp {
    private volatile @Nullable Entry last;

    @Nullable IpAddress of(@Nullable InetAddress address) {
      if (address == null) {
        return null;
      }
      Entry entry = last;
      if (entry != null && entry.address.equals(address)) {
        return entry.ip;
      }
      IpAddress ip = IpAddress.of(address);
      last = new Entry(address, ip);
      return ip;
    }

    private record Entry(InetAddress address, IpAddress ip) {}
  }

  @Override
  public String toString() {
    return "InboundChain{snapshot=" + snapshot.version() + ", mtls=" + mtls.mode() + ", ports=" + mtls.portModes()
        + ", policies=" + authorizer.policies() + "}";
  }
}
