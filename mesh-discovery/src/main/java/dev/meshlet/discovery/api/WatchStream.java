package dev.meshlet.discovery.api;

import dev.meshlet.discovery.push.EventSink;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch response, written asynchronously: events queue here and go out one write at a time
 * with no thread waiting on the socket, so a thousand streams need no thousand threads. A stream
 * whose client reads too slowly to keep its queue under {@link #MAX_QUEUED_BYTES} is closed;
 * its agent resumes from its version on a new one.
 */
final class WatchStream extends IteratingCallback implements EventSink {
  static final int MAX_QUEUED_BYTES = 16 * 1024 * 1024;
  private static final Logger log = LoggerFactory.getLogger(WatchStream.class);

  private final String leaseId;
  private final Response response;
  private final Callback done;
  private final Consumer<WatchStream> onEnd;
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private int queuedBytes;
  private boolean closing;
  private boolean lastWritten;

  WatchStream(String leaseId, Response response, Callback done, Consumer<WatchStream> onEnd) {
    this.leaseId = leaseId;
    this.response = response;
    this.done = done;
    this.onEnd = onEnd;
  }

  @Override
  public boolean send(byte[] bytes) {
    synchronized (queue) {
      if (closing || isClosed() || isFailed() || isAborted()) {
        return false;
      }
      if (queuedBytes + bytes.length > MAX_QUEUED_BYTES) {
        return false;
      }
      queue.add(ByteBuffer.wrap(bytes));
      queuedBytes += bytes.length;
    }
    iterate();
    return true;
  }

  @Override
  public void close(@Nullable String reason) {
    if (reason != null) {
      log.debug("closing watch of {}: {}", leaseId, reason);
    }
    synchronized (queue) {
      closing = true;
    }
    iterate();
  }

  /** The client went away or the connection failed: stop without writing more. */
  void abortStream(Throwable cause) {
    abort(cause);
  }

  @Override
  protected Action process() {
    ByteBuffer next;
    boolean last = false;
    synchronized (queue) {
      next = queue.poll();
      if (next != null) {
        queuedBytes -= next.remaining();
      } else if (closing && !lastWritten) {
        lastWritten = true;
        last = true;
        next = BufferUtil.EMPTY_BUFFER;
      } else if (lastWritten) {
        return Action.SUCCEEDED;
      } else {
        return Action.IDLE;
      }
    }
    response.write(last, next, this);
    return Action.SCHEDULED;
  }

  @Override
  protected void onCompleteSuccess() {
    done.succeeded();
    onEnd.accept(this);
  }

  @Override
  protected void onCompleteFailure(Throwable cause) {
    log.debug("watch of {} ended: {}", leaseId, cause.toString());
    synchronized (queue) {
      queue.clear();
      queuedBytes = 0;
    }
    done.failed(cause);
    onEnd.accept(this);
  }
}
