/**
 * PERMISSIVE on one port: TLS and plaintext told apart by the client's first byte, for the JDK's
 * HttpsServer (an SSLContext whose engines step aside for plaintext) and for detector-based
 * servers such as Jetty's (a first-bytes classifier).
 */
@NullMarked
package dev.meshlet.tls.permissive;

import org.jspecify.annotations.NullMarked;
