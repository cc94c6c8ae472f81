package dev.meshlet.benchmarks.jmh.chain;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The server end of an {@link InMemorySocket}: given one complete HTTP/1.1 request head (the
 * benchmark sends GETs, no body), returns the response bytes to write back.
 */
public interface InMemoryServer {
  /** {@code head} holds {@code length} bytes: the request line and headers up to the blank line. */
  byte[] exchange(byte[] head, int length);

  /** A parsed request head: method, target, and the header lines, lower-cased names. */
  record Head(String method, String target, String[] names, String[] values, int count) {
    /** The value of {@code lowerCaseName}, the first if repeated, or null. */
    public String header(String lowerCaseName) {
      for (int i = 0; i < count; i++) {
        if (names[i].equals(lowerCaseName)) {
          return values[i];
        }
      }
      return null;
    }

    /** Parses {@code length} bytes of a request head; what a server's HTTP codec does. */
    public static Head parse(byte[] head, int length) {
      String text = new String(head, 0, length, StandardCharsets.ISO_8859_1);
      int lineEnd = text.indexOf("\r\n");
      String requestLine = text.substring(0, lineEnd);
      int sp1 = requestLine.indexOf(' ');
      int sp2 = requestLine.indexOf(' ', sp1 + 1);
      String[] names = new String[16];
      String[] values = new String[16];
      int count = 0;
      for (int start = lineEnd + 2; start < text.length(); ) {
        int end = text.indexOf("\r\n", start);
        if (end <= start) {
          break;
        }
        int colon = text.indexOf(':', start);
        if (count == names.length) {
          names = java.util.Arrays.copyOf(names, count * 2);
          values = java.util.Arrays.copyOf(values, count * 2);
        }
        names[count] = text.substring(start, colon).toLowerCase(java.util.Locale.ROOT);
        values[count] = text.substring(colon + 1, end).trim();
        count++;
        start = end + 2;
      }
      return new Head(requestLine.substring(0, sp1), requestLine.substring(sp1 + 1, sp2), names, values, count);
    }
  }

  /** A 200 answer with {@code body}, built once. */
  static byte[] okResponse(String contentType, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length
        + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    out.write(head, 0, head.length);
    out.write(body, 0, body.length);
    return out.toByteArray();
  }
}
