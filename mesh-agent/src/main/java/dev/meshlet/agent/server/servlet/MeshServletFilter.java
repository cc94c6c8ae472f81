package dev.meshlet.agent.server.servlet;

import dev.meshlet.agent.context.RequestScope;
import dev.meshlet.agent.server.InboundCall;
import dev.meshlet.agent.server.InboundChains;
import dev.meshlet.agent.server.InboundContext;
import dev.meshlet.agent.server.InboundRequest;
import dev.meshlet.agent.server.Refusal;
import dev.meshlet.tls.authz.RequestHeaders;
import dev.meshlet.tls.pki.TrustBundle;
import dev.meshlet.tls.verify.AllowedPeers;
import dev.meshlet.tls.verify.PeerRole;
import dev.meshlet.tls.verify.SpiffePeerVerifier;
import dev.meshlet.tls.verify.VerifiedPeer;
import dev.meshlet.tls.workload.WorkloadCertificateManager;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Enumeration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servlet filter that runs the inbound chain in front of the servlets it maps: the container
 * terminates TLS, and the filter reads the client's certificate chain from the request attribute
 * {@value #CERTIFICATE_ATTRIBUTE} and verifies its SPIFFE ID against the workload's current trust
 * bundle (a chain that fails is treated as no mesh identity: plaintext for STRICT and for
 * authorization). The container cannot be asked to drop a connection, so every refusal is an
 * answer: 403 for plaintext under STRICT, with {@code Connection: close}.
 *
 * <p>For the container to see client certificates its TLS connector must request them (Tomcat
 * {@code certificateVerification="required"} or {@code optional}; Jetty
 * {@code setNeedClientAuth}/{@code setWantClientAuth}) and trust the mesh's roots.
 *
 * <pre>{@code
 * ServletContextHandler context = new ServletContextHandler();
 * context.addFilter(new FilterHolder(new MeshServletFilter(inboundContext)), "/*", EnumSet.of(DispatcherType.REQUEST));
 * // Spring Boot: @Bean FilterRegistrationBean<MeshServletFilter> mesh() { ... }
 * }</pre>
 */
public final class MeshServletFilter implements Filter {

  /** Where servlet containers put the client's certificate chain, leaf first. */
  public static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

  private static final Logger LOG = LoggerFactory.getLogger(MeshServletFilter.class);

  private final InboundChains chains;

  /** A filter for the workload {@code context} describes. */
  public MeshServletFilter(InboundContext context) {
    this(InboundChains.of(context));
  }

  /** A filter over chains shared with another adapter of the same workload. */
  public MeshServletFilter(InboundChains chains) {
    this.chains = Objects.requireNonNull(chains, "chains");
  }

  /**
   * The chain's view of {@code request}: the caller's identity and what authorization decided.
   *
   * @throws IllegalStateException when the request did not pass a {@link MeshServletFilter}
   */
  public static InboundCall call(ServletRequest request) {
    if (request.getAttribute(InboundCall.ATTRIBUTE) instanceof InboundCall call) {
      return call;
    }
    throw new IllegalStateException("request has no " + InboundCall.ATTRIBUTE
        + " attribute (expected: a servlet behind MeshServletFilter)");
  }

  /** The chains requests run through. */
  public InboundChains chains() {
    return chains;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
      throw new ServletException("MeshServletFilter: " + req.getClass().getName() + " (expected: an HTTP request)");
    }
    if (request.getAttribute(InboundCall.ATTRIBUTE) != null) {
      // A forward or include of a request the chain already admitted.
      chain.doFilter(request, response);
      return;
    }
    VerifiedPeer peer = request.isSecure() ? verifiedPeer(request) : null;
    RequestHeaders headers = name -> joined(request.getHeaders(name));
    String query = request.getQueryString();
    String path = query == null ? request.getRequestURI() : request.getRequestURI() + "?" + query;
    String host = request.getHeader("host");
    InboundRequest inbound = new InboundRequest(request.getMethod(), path, host == null ? "" : host, headers,
        request.isSecure(), peer, literal(request.getRemoteAddr()), literal(request.getLocalAddr()),
        request.getLocalPort(), null);

    InboundCall call = chains.current().begin(inbound);
    request.setAttribute(InboundCall.ATTRIBUTE, call);
    Refusal refusal = call.refusal();
    if (refusal != null) {
      refuse(response, call, refusal);
      return;
    }
    Throwable failure = null;
    try (RequestScope scope = call.scope().attach()) {
      chain.doFilter(request, response);
    } catch (IOException | ServletException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      if (failure == null && request.isAsyncStarted()) {
        request.getAsyncContext().addListener(new Ending(call, response));
      } else {
        int status = response.getStatus();
        call.end(failure != null && !response.isCommitted() ? 500 : status, failure);
      }
    }
  }

  private @Nullable VerifiedPeer verifiedPeer(HttpServletRequest request) {
    if (!(request.getAttribute(CERTIFICATE_ATTRIBUTE) instanceof X509Certificate[] chain) || chain.length == 0) {
      return null;
    }
    WorkloadCertificateManager certificates = chains.context().certificates();
    if (certificates == null) {
      // Without mTLS there is no trust bundle to verify against: no mesh identity.
      return null;
    }
    TrustBundle bundle = certificates.current().trustBundle();
    try {
      return SpiffePeerVerifier.verify(chain, PeerRole.CLIENT, bundle, AllowedPeers.any(),
          chains.context().clock().instant());
    } catch (CertificateException e) {
      LOG.debug("client certificate {} is not a mesh identity: {}", chain[0].getSubjectX500Principal(), e.getMessage());
      return null;
    }
  }

  private static void refuse(HttpServletResponse response, InboundCall call, Refusal refusal) throws IOException {
    if (response.isCommitted()) {
      call.end(response.getStatus(), null);
      return;
    }
    response.resetBuffer();
    response.setStatus(refusal.status());
    response.setContentType("text/plain; charset=utf-8");
    refusal.headers().forEach(response::setHeader);
    if (refusal.closeConnection()) {
      response.setHeader("Connection", "close");
    }
    byte[] body = refusal.body().getBytes(StandardCharsets.UTF_8);
    response.setContentLength(body.length);
    try {
      response.getOutputStream().write(body);
      response.flushBuffer();
      call.end(refusal.status(), null);
    } catch (IOException e) {
      call.end(refusal.status(), e);
      throw e;
    }
  }

  /** An IP literal as an address, never a name lookup (a container may give a host name). */
  private static @Nullable InetAddress literal(@Nullable String address) {
    if (address == null || address.isEmpty()) {
      return null;
    }
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      boolean ok = c == '.' || c == ':' || c == '%' || Character.digit(c, 16) >= 0;
      if (!ok) {
        return null;
      }
    }
    try {
      return InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static @Nullable String joined(@Nullable Enumeration<String> values) {
    if (values == null || !values.hasMoreElements()) {
      return null;
    }
    String first = values.nextElement();
    if (!values.hasMoreElements()) {
      return first;
    }
    StringBuilder all = new StringBuilder(first);
    while (values.hasMoreElements()) {
      all.append(',').append(values.nextElement());
    }
    return all.toString();
  }

  /** Ends the call's telemetry when an async request completes. */
  private static final class Ending implements AsyncListener {
    private final InboundCall call;
    private final HttpServletResponse response;

    Ending(InboundCall call, HttpServletResponse response) {
      this.call = call;
      this.response = response;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      call.end(response.getStatus(), null);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      call.end(504, event.getThrowable());
    }

    @Override
    public void onError(AsyncEvent event) {
      call.end(500, event.getThrowable());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this);
    }
  }
}
