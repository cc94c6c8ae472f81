package dev.meshlet.tls.permissive;

import java.security.Principal;
import java.security.cert.Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import org.jspecify.annotations.Nullable;

/**
 * The "session" of a plaintext connection on a PERMISSIVE port: no protocol, no cipher, no peer
 * certificate. {@link PermissiveSslContext#isPlaintext(SSLSession)} recognises it.
 */
final class PlaintextSession implements SSLSession {

  static final String PROTOCOL = "NONE";
  static final String CIPHER_SUITE = "SSL_NULL_WITH_NULL_NULL";

  private final @Nullable String peerHost;
  private final int peerPort;
  private final int packetBufferSize;
  private final int applicationBufferSize;
  private final long created = System.currentTimeMillis();
  private final Map<String, Object> values = new ConcurrentHashMap<>();

  PlaintextSession(@Nullable String peerHost, int peerPort, int packetBufferSize, int applicationBufferSize) {
    this.peerHost = peerHost;
    this.peerPort = peerPort;
    this.packetBufferSize = packetBufferSize;
    this.applicationBufferSize = applicationBufferSize;
  }

  @Override
  public byte[] getId() {
    return new byte[0];
  }

  @Override
  public @Nullable SSLSessionContext getSessionContext() {
    return null;
  }

  @Override
  public long getCreationTime() {
    return created;
  }

  @Override
  public long getLastAccessedTime() {
    return created;
  }

  @Override
  public void invalidate() {}

  @Override
  public boolean isValid() {
    return false;
  }

  @Override
  public void putValue(String name, Object value) {
    values.put(name, value);
  }

  @Override
  public @Nullable Object getValue(String name) {
    return values.get(name);
  }

  @Override
  public void removeValue(String name) {
    values.remove(name);
  }

  @Override
  public String[] getValueNames() {
    return values.keySet().toArray(new String[0]);
  }

  @Override
  public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
    throw new SSLPeerUnverifiedException("plaintext connection on a PERMISSIVE port: the peer sent no certificate");
  }

  @Override
  public Certificate @Nullable [] getLocalCertificates() {
    return null;
  }

  @Override
  public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
    throw new SSLPeerUnverifiedException("plaintext connection on a PERMISSIVE port: the peer is not authenticated");
  }

  @Override
  public @Nullable Principal getLocalPrincipal() {
    return null;
  }

  @Override
  public String getCipherSuite() {
    return CIPHER_SUITE;
  }

  @Override
  public String getProtocol() {
    return PROTOCOL;
  }

  @Override
  public @Nullable String getPeerHost() {
    return peerHost;
  }

  @Override
  public int getPeerPort() {
    return peerPort;
  }

  @Override
  public int getPacketBufferSize() {
    return packetBufferSize;
  }

  @Override
  public int getApplicationBufferSize() {
    return applicationBufferSize;
  }
}
