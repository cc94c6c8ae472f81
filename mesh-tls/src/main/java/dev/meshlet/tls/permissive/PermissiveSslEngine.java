package dev.meshlet.tls.permissive;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.function.BiFunction;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * A server engine that looks at the client's first byte at the first {@code unwrap}: a TLS
 * handshake record (0x16) hands the connection to the real engine for good; anything else makes
 * the engine a pass-through that copies bytes unchanged both ways and reports
 * {@code NOT_HANDSHAKING}, so the server reads plaintext HTTP through its TLS code path.
 *
 * <p>Made for how {@code sun.net.httpserver.SSLStreams} drives an engine: it reads at least one
 * byte from the channel before the first {@code unwrap}, loops on BUFFER_UNDERFLOW/OVERFLOW,
 * sizes its buffers from {@link #getSession()} before any byte arrives, and never wraps before it
 * has read a request. Configuration (parameters, client auth, suites) always reaches the real
 * engine, so the TLS branch is exactly the server's STRICT configuration.
 */
final class PermissiveSslEngine extends SSLEngine {

  private enum State { UNDECIDED, TLS, PLAINTEXT }

  private final SSLEngine tls;
  private volatile State state = State.UNDECIDED;
  private volatile boolean inboundDone;
  private volatile boolean outboundDone;
  private volatile @Nullable PlaintextSession plaintextSession;

  PermissiveSslEngine(SSLEngine tls) {
    super(tls.getPeerHost(), tls.getPeerPort());
    this.tls = tls;
  }

  /** Whether the connection turned out to be plaintext (false until the first byte arrived). */
  boolean isPlaintext() {
    return state == State.PLAINTEXT;
  }

  @Override
  public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
    State s = state;
    if (s == State.TLS) {
      return tls.wrap(srcs, offset, length, dst);
    }
    if (outboundDone) {
      return new SSLEngineResult(Status.CLOSED, HandshakeStatus.NOT_HANDSHAKING, 0, 0);
    }
    if (s == State.UNDECIDED) {
      throw new SSLException("PERMISSIVE port: the server wrote before the client's first byte"
          + " (expected: the client speaks first, so TLS can be told from plaintext)");
    }
    if (dst.isReadOnly()) {
      throw new ReadOnlyBufferException();
    }
    int copied = 0;
    for (int i = offset; i < offset + length && dst.hasRemaining(); i++) {
      copied += copy(srcs[i], dst);
    }
    boolean more = false;
    for (int i = offset; i < offset + length; i++) {
      more |= srcs[i].hasRemaining();
    }
    Status status = copied == 0 && more ? Status.BUFFER_OVERFLOW : Status.OK;
    return new SSLEngineResult(status, HandshakeStatus.NOT_HANDSHAKING, copied, copied);
  }

  @Override
  public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
    State s = state;
    if (s == State.UNDECIDED) {
      if (!src.hasRemaining()) {
        return new SSLEngineResult(inboundDone ? Status.CLOSED : Status.BUFFER_UNDERFLOW,
            HandshakeStatus.NOT_HANDSHAKING, 0, 0);
      }
      // Only ever decided once, by the thread that reads: wrap waits for a request anyway.
      s = !tls.getUseClientMode() && src.get(src.position()) != FirstBytes.TLS_HANDSHAKE
          ? State.PLAINTEXT : State.TLS;
      state = s;
    }
    if (s == State.TLS) {
      return tls.unwrap(src, dsts, offset, length);
    }
    if (inboundDone) {
      return new SSLEngineResult(Status.CLOSED, HandshakeStatus.NOT_HANDSHAKING, 0, 0);
    }
    int copied = 0;
    for (int i = offset; i < offset + length && src.hasRemaining(); i++) {
      if (dsts[i].isReadOnly()) {
        throw new ReadOnlyBufferException();
      }
      copied += copy(src, dsts[i]);
    }
    Status status = copied == 0 && src.hasRemaining() ? Status.BUFFER_OVERFLOW : Status.OK;
    return new SSLEngineResult(status, HandshakeStatus.NOT_HANDSHAKING, copied, copied);
  }

  private static int copy(ByteBuffer from, ByteBuffer to) {
    int n = Math.min(from.remaining(), to.remaining());
    if (n == 0) {
      return 0;
    }
    if (n == from.remaining()) {
      to.put(from);
    } else {
      ByteBuffer slice = from.duplicate();
      slice.limit(slice.position() + n);
      to.put(slice);
      from.position(from.position() + n);
    }
    return n;
  }

  @Override
  public @Nullable Runnable getDelegatedTask() {
    return state == State.TLS ? tls.getDelegatedTask() : null;
  }

  @Override
  public void closeInbound() throws SSLException {
    if (state == State.TLS) {
      tls.closeInbound();
    } else {
      inboundDone = true;
    }
  }

  @Override
  public boolean isInboundDone() {
    return state == State.TLS ? tls.isInboundDone() : inboundDone;
  }

  @Override
  public void closeOutbound() {
    if (state == State.TLS) {
      tls.closeOutbound();
    } else {
      // Undecided too: a client that never spoke gets no TLS alert, just the close.
      outboundDone = true;
    }
  }

  @Override
  public boolean isOutboundDone() {
    return state == State.TLS ? tls.isOutboundDone() : outboundDone;
  }

  @Override
  public SSLSession getSession() {
    if (state != State.PLAINTEXT) {
      return tls.getSession();
    }
    PlaintextSession session = plaintextSession;
    if (session == null) {
      SSLSession sizes = tls.getSession();
      session = new PlaintextSession(getPeerHost(), getPeerPort(), sizes.getPacketBufferSize(),
          sizes.getApplicationBufferSize());
      plaintextSession = session;
    }
    return session;
  }

  @Override
  public @Nullable SSLSession getHandshakeSession() {
    return state == State.TLS ? tls.getHandshakeSession() : null;
  }

  @Override
  public void beginHandshake() throws SSLException {
    // Undecided: a server engine starts its handshake from the ClientHello anyway.
    if (state == State.TLS) {
      tls.beginHandshake();
    }
  }

  @Override
  public HandshakeStatus getHandshakeStatus() {
    return state == State.TLS ? tls.getHandshakeStatus() : HandshakeStatus.NOT_HANDSHAKING;
  }

  @Override
  public @Nullable String getApplicationProtocol() {
    return state == State.PLAINTEXT ? null : tls.getApplicationProtocol();
  }

  @Override
  public @Nullable String getHandshakeApplicationProtocol() {
    return state == State.TLS ? tls.getHandshakeApplicationProtocol() : null;
  }

  @Override
  public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
    tls.setHandshakeApplicationProtocolSelector(selector);
  }

  @Override
  public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
    return tls.getHandshakeApplicationProtocolSelector();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return tls.getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return tls.getEnabledCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    tls.setEnabledCipherSuites(suites);
  }

  @Override
  public String[] getSupportedProtocols() {
    return tls.getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return tls.getEnabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    tls.setEnabledProtocols(protocols);
  }

  @Override
  public void setUseClientMode(boolean mode) {
    tls.setUseClientMode(mode);
  }

  @Override
  public boolean getUseClientMode() {
    return tls.getUseClientMode();
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    tls.setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return tls.getNeedClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    tls.setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return tls.getWantClientAuth();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    tls.setEnableSessionCreation(flag);
  }

  @Override
  public boolean getEnableSessionCreation() {
    return tls.getEnableSessionCreation();
  }

  @Override
  public SSLParameters getSSLParameters() {
    return tls.getSSLParameters();
  }

  @Override
  public void setSSLParameters(SSLParameters params) {
    tls.setSSLParameters(params);
  }

  @Override
  public String toString() {
    return "PermissiveSslEngine{" + state + ", " + tls + "}";
  }
}
