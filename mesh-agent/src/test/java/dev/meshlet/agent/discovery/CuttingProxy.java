package dev.meshlet.agent.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a real server that, once armed, cuts the next response bytes that hold
 * {@code marker} in half and drops the connection: a watch stream cut in the middle of an event.
 * It remembers the first line of every request it forwarded.
 */
final class CuttingProxy implements AutoCloseable {
  private final ServerSocket socket;
  private final int upstreamPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  final List<String> requestLines = new CopyOnWriteArrayList<>();
  private volatile String marker = "";
  private volatile boolean armed;
  /** Connections opened before this count go silent: bytes are read and dropped, nothing is closed. */
  private volatile int silentBefore;
  private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
  volatile int cuts;

  CuttingProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "cutting-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  String url() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  /**
   * Makes every open connection silent, as a network that dropped the path without a FIN or RST
   * would: the server's bytes no longer arrive and neither side is told. New connections work.
   */
  void silenceOpenConnections() {
    silentBefore = connections.get();
  }

  /** Cuts the next response chunk that contains {@code marker}. */
  void cutNext(String marker) {
    this.marker = marker;
    this.armed = true;
  }

  private void accept() {
    try {
      while (true) {
        Socket client = socket.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        open.add(client);
        open.add(upstream);
        int id = connections.incrementAndGet();
        pump(client, upstream, true, id);
        pump(upstream, client, false, id);
      }
    } catch (IOException e) {
      // closed
    }
  }

  private void pump(Socket from, Socket to, boolean request, int id) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[65536];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
          if (request && text.contains(" HTTP/1.1")) {
            requestLines.add(text.substring(0, text.indexOf("\r\n")));
          }
          if (!request && id <= silentBefore) {
            continue;
          }
          if (!request && armed && text.contains(marker)) {
            armed = false;
            out.write(buf, 0, text.indexOf(marker) + marker.length() + 5);
            out.flush();
            cuts++;
            from.close();
            to.close();
            return;
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "cutting-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    open.forEach(CuttingProxy::closeQuietly);
  }
}
