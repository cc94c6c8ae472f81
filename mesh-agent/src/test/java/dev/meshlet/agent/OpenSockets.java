package dev.meshlet.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * This process's TCP sockets, read from Linux's {@code /proc}: the socket inodes among
 * {@code /proc/self/fd}, matched with {@code /proc/net/tcp} and {@code tcp6}. Sockets in TIME_WAIT or
 * CLOSE are not open (no descriptor holds them).
 */
final class OpenSockets {
  private static final String LISTEN = "0A";

  private OpenSockets() {}

  static boolean available() {
    return Files.isReadable(Path.of("/proc/self/fd")) && Files.isReadable(Path.of("/proc/net/tcp"));
  }

  /** Sockets of this process connected to {@code port} (the client side), as {@code local -> remote} lines. */
  static List<String> connectedTo(int port) throws IOException {
    List<String> out = new ArrayList<>();
    for (String[] s : ours()) {
      if (!s[3].equals(LISTEN) && port(s[2]) == port) {
        out.add(s[1] + " -> " + s[2] + " state " + s[3]);
      }
    }
    return out;
  }

  /** Sockets of this process whose local port is {@code port}: a listener, or accepted connections. */
  static List<String> onLocalPort(int port) throws IOException {
    List<String> out = new ArrayList<>();
    for (String[] s : ours()) {
      if (port(s[1]) == port) {
        out.add(s[1] + " <- " + s[2] + " state " + s[3]);
      }
    }
    return out;
  }

  private static List<String[]> ours() throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // closed while listing
        }
      }
    }
    List<String[]> out = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.isReadable(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && inodes.contains(f[9])) {
          out.add(f);
        }
      }
    }
    return out;
  }

  private static int port(String hexAddress) {
    return Integer.parseInt(hexAddress.substring(hexAddress.lastIndexOf(':') + 1), 16);
  }
}
