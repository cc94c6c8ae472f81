package dev.meshlet.tls.verify;

/** Which side of the handshake the peer being verified is on; it decides the usage required. */
public enum PeerRole {
  /** The peer is a client: its certificate must allow TLS client authentication. */
  CLIENT("clientAuth", "1.3.6.1.5.5.7.3.2"),
  /** The peer is a server: its certificate must allow TLS server authentication. */
  SERVER("serverAuth", "1.3.6.1.5.5.7.3.1");

  private final String usageName;
  private final String usageOid;

  PeerRole(String usageName, String usageOid) {
    this.usageName = usageName;
    this.usageOid = usageOid;
  }

  String usageName() {
    return usageName;
  }

  String usageOid() {
    return usageOid;
  }
}
