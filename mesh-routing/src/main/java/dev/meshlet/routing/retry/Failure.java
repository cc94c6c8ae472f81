package dev.meshlet.routing.retry;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import okhttp3.internal.http2.ErrorCode;
import okhttp3.internal.http2.StreamResetException;

/** Why an attempt got no response, in the terms retry conditions use. */
public enum Failure {
  /** The connection could not be made; nothing reached the server. */
  CONNECT_FAILURE,
  /** HTTP/2 REFUSED_STREAM: the server took none of it. */
  REFUSED_STREAM,
  /** The connection was reset or closed after the request may have been sent. */
  RESET,
  /** The attempt's own time ran out. */
  PER_TRY_TIMEOUT;

  /**
   * Classifies {@code e}. {@code requestStarted} says whether OkHttp began writing the request
   * (its {@code requestHeadersStart} event): before that, whatever happened, nothing was sent.
   */
  public static Failure classify(IOException e, boolean requestStarted, boolean timedOut) {
    if (timedOut) {
      return requestStarted ? PER_TRY_TIMEOUT : CONNECT_FAILURE;
    }
    if (e instanceof StreamResetException sre && sre.errorCode == ErrorCode.REFUSED_STREAM) {
      return REFUSED_STREAM;
    }
    if (!requestStarted
        || e instanceof ConnectException
        || e instanceof NoRouteToHostException
        || e instanceof UnknownHostException) {
      return CONNECT_FAILURE;
    }
    if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException) {
      return PER_TRY_TIMEOUT;
    }
    return RESET;
  }

  /** Whether the server may have received (and acted on) the request. */
  public boolean mayHaveReachedServer() {
    return this == RESET || this == PER_TRY_TIMEOUT;
  }
}
