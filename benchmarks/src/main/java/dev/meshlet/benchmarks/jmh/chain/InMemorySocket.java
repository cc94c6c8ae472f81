package dev.meshlet.benchmarks.jmh.chain;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import javax.net.SocketFactory;

/**
 * A socket with no network under it: what OkHttp writes is handed, once a request head is
 * complete, to an {@link InMemoryServer} on the same thread, and its answer is what OkHttp reads
 * next. OkHttp's codec, pool and interceptors run as over TCP; only the kernel is left out. A read
 * with nothing buffered times out at once, as an idle keep-alive socket does, so OkHttp's health
 * check keeps the connection pooled.
 */
public final class InMemorySocket extends Socket {
  private final InMemoryServer server;
  private byte[] written = new byte[1024];
  private int writtenLength;
  private byte[] readable = new byte[0];
  private int readPosition;
  private int readLimit;
  private int soTimeout;
  private boolean connected;
  private boolean closed;
  private InetSocketAddress remote = new InetSocketAddress(InetAddress.getLoopbackAddress(), 80);

  InMemorySocket(InMemoryServer server) {
    this.server = server;
  }

  /** A factory OkHttp's builder takes ({@code socketFactory}); every connection reaches {@code server}. */
  public static SocketFactory factory(InMemoryServer server) {
    return new SocketFactory() {
      @Override
      public Socket createSocket() {
        return new InMemorySocket(server);
      }

      @Override
      public Socket createSocket(String host, int port) {
        throw new UnsupportedOperationException("OkHttp connects unconnected sockets");
      }

      @Override
      public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
        throw new UnsupportedOperationException("OkHttp connects unconnected sockets");
      }

      @Override
      public Socket createSocket(InetAddress host, int port) {
        throw new UnsupportedOperationException("OkHttp connects unconnected sockets");
      }

      @Override
      public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
        throw new UnsupportedOperationException("OkHttp connects unconnected sockets");
      }
    };
  }

  @Override
  public void connect(SocketAddress endpoint) {
    connect(endpoint, 0);
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) {
    remote = (InetSocketAddress) endpoint;
    connected = true;
  }

  private void written(byte[] bytes, int offset, int length) {
    if (writtenLength + length > written.length) {
      written = Arrays.copyOf(written, Math.max(written.length * 2, writtenLength + length));
    }
    System.arraycopy(bytes, offset, written, writtenLength, length);
    writtenLength += length;
    // GETs only: a request is complete at the blank line that ends its head.
    if (writtenLength >= 4 && written[writtenLength - 4] == '\r' && written[writtenLength - 3] == '\n'
        && written[writtenLength - 2] == '\r' && written[writtenLength - 1] == '\n') {
      byte[] answer = server.exchange(written, writtenLength);
      writtenLength = 0;
      readable = answer;
      readPosition = 0;
      readLimit = answer.length;
    }
  }

  private int read(byte[] into, int offset, int length) throws IOException {
    if (closed) {
      throw new SocketException("Socket closed");
    }
    if (readPosition == readLimit) {
      throw new SocketTimeoutException("nothing to read (idle keep-alive connection)");
    }
    int n = Math.min(length, readLimit - readPosition);
    System.arraycopy(readable, readPosition, into, offset, n);
    readPosition += n;
    return n;
  }

  @Override
  public InputStream getInputStream() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return InMemorySocket.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return InMemorySocket.this.read(b, off, len);
      }
    };
  }

  @Override
  public OutputStream getOutputStream() {
    return new OutputStream() {
      @Override
      public void write(int b) {
        written(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        written(b, off, len);
      }
    };
  }

  @Override
  public void setSoTimeout(int timeout) {
    soTimeout = timeout;
  }

  @Override
  public int getSoTimeout() {
    return soTimeout;
  }

  @Override
  public void setTcpNoDelay(boolean on) {}

  @Override
  public void setKeepAlive(boolean on) {}

  @Override
  public synchronized void close() {
    closed = true;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  @Override
  public boolean isBound() {
    return connected;
  }

  @Override
  public boolean isInputShutdown() {
    return closed;
  }

  @Override
  public boolean isOutputShutdown() {
    return closed;
  }

  @Override
  public void shutdownInput() {
    closed = true;
  }

  @Override
  public void shutdownOutput() {
    closed = true;
  }

  @Override
  public InetAddress getInetAddress() {
    return remote.getAddress();
  }

  @Override
  public int getPort() {
    return remote.getPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return remote;
  }

  @Override
  public InetAddress getLocalAddress() {
    return InetAddress.getLoopbackAddress();
  }

  @Override
  public int getLocalPort() {
    return 40000;
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
  }
}
