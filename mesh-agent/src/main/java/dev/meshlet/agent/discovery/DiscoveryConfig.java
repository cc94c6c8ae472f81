package dev.meshlet.agent.discovery;

import dev.meshlet.core.protocol.Registration;
import dev.meshlet.tls.identity.SpiffeId;
import dev.meshlet.tls.pki.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * How an agent reaches the discovery server and who it registers as: the server URLs (tried in
 * order, for failover), the bootstrap token, the workload's identity, where the last acknowledged
 * view is kept, the roots that sign the server's certificate, and the timing of leases, backoff
 * and dead-stream detection.
 *
 * @param servers base URLs, {@code https://discovery.mesh:15010}; the agent fails over in order
 * @param token the bootstrap token ({@code mlb_...}) bound to the workload's service account
 * @param registration the workload as it registers: service, namespace, address, ports, labels,
 *     service account
 * @param cacheDirectory where the last acknowledged view is written, or null for none
 * @param trustedRoots the mesh's roots, which sign an {@code https} server's certificate; empty
 *     means the JDK's default trust store and hostname verification (a server outside the mesh CA)
 * @param serverIdentity the SPIFFE ID an {@code https} server must present when
 *     {@code trustedRoots} is set (the discovery server's own identity), instead of a host name
 * @param connectTimeout how long to wait for a server to accept a connection before trying the next
 * @param streamIdleTimeout a watch stream silent this long is dead (three of the server's
 *     heartbeats)
 * @param backoffInitial the first delay before reconnecting after a failure
 * @param backoffMax the cap on that delay as it doubles
 * @param renewFraction the part of the lease's TTL after which the agent renews it
 */
public record DiscoveryConfig(
    List<String> servers,
    String token,
    Registration registration,
    @Nullable Path cacheDirectory,
    List<X509Certificate> trustedRoots,
    SpiffeId serverIdentity,
    Duration connectTimeout,
    Duration streamIdleTimeout,
    Duration backoffInitial,
    Duration backoffMax,
    double renewFraction) {

  /** The discovery server's identity as its CA names it: service account meshlet-discovery in istio-system. */
  public static final SpiffeId DEFAULT_SERVER_IDENTITY = SpiffeId.parse("spiffe://cluster.local/ns/istio-system/sa/meshlet-discovery");
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** Three of the server's default 10 s heartbeats, as docs/protocol.md says. */
  public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);
  public static final double DEFAULT_RENEW_FRACTION = 1.0 / 3;

  /** Comma-separated server URLs. */
  public static final String ENV_SERVERS = "MESHLET_DISCOVERY";
  /** The bootstrap token itself. */
  public static final String ENV_TOKEN = "MESHLET_TOKEN";
  /** A file holding the bootstrap token (used when {@value #ENV_TOKEN} is not set). */
  public static final String ENV_TOKEN_FILE = "MESHLET_TOKEN_FILE";
  public static final String ENV_SERVICE = "MESHLET_SERVICE";
  public static final String ENV_NAMESPACE = "MESHLET_NAMESPACE";
  public static final String ENV_SERVICE_ACCOUNT = "MESHLET_SERVICE_ACCOUNT";
  public static final String ENV_ADDRESS = "MESHLET_ADDRESS";
  /** {@code http=9080,grpc=9090}. */
  public static final String ENV_PORTS = "MESHLET_PORTS";
  /** {@code app=reviews,version=v2}. */
  public static final String ENV_LABELS = "MESHLET_LABELS";
  public static final String ENV_LOCALITY = "MESHLET_LOCALITY";
  /** The instance's name as status shows it (a host or pod name). */
  public static final String ENV_NAME = "MESHLET_NAME";
  public static final String ENV_CACHE_DIR = "MESHLET_CACHE_DIR";
  /** A PEM file of the roots that sign the server's certificate. */
  public static final String ENV_TRUST_BUNDLE = "MESHLET_TRUST_BUNDLE";
  /** The SPIFFE ID the server must present, {@code spiffe://cluster.local/ns/istio-system/sa/meshlet-discovery}. */
  public static final String ENV_SERVER_IDENTITY = "MESHLET_DISCOVERY_IDENTITY";

  public DiscoveryConfig {
    Objects.requireNonNull(servers, "servers");
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("servers: empty (expected: at least one URL such as https://127.0.0.1:15010)");
    }
    List<String> normalized = new ArrayList<>(servers.size());
    for (int i = 0; i < servers.size(); i++) {
      String s = Objects.requireNonNull(servers.get(i), "servers[" + i + "]").trim();
      HttpUrl url = HttpUrl.parse(s);
      if (url == null || url.encodedPath().length() > 1 && !url.encodedPath().equals("/")) {
        throw new IllegalArgumentException("servers[" + i + "]: " + s + " (expected: http:// or https:// host:port, no path)");
      }
      normalized.add(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }
    servers = List.copyOf(normalized);
    Objects.requireNonNull(token, "token");
    if (token.isBlank()) {
      throw new IllegalArgumentException("token: blank (expected: a bootstrap token from `meshctl token create`)");
    }
    Objects.requireNonNull(registration, "registration");
    if (registration.service().isBlank()) {
      throw new IllegalArgumentException("registration.service: blank (expected: the service name)");
    }
    if (registration.address().isBlank()) {
      throw new IllegalArgumentException("registration.address: blank (expected: the address the workload listens on)");
    }
    trustedRoots = List.copyOf(trustedRoots);
    Objects.requireNonNull(serverIdentity, "serverIdentity");
    positive("connectTimeout", connectTimeout);
    positive("streamIdleTimeout", streamIdleTimeout);
    positive("backoffInitial", backoffInitial);
    positive("backoffMax", backoffMax);
    if (backoffMax.compareTo(backoffInitial) < 0) {
      throw new IllegalArgumentException("backoffMax: " + backoffMax + " (expected: >= backoffInitial " + backoffInitial + ")");
    }
    if (!(renewFraction > 0 && renewFraction < 1)) {
      throw new IllegalArgumentException("renewFraction: " + renewFraction + " (expected: between 0 and 1, exclusive)");
    }
  }

  /** Everything but the token, which is a credential and stays out of logs. */
  @Override
  public String toString() {
    return "DiscoveryConfig[servers=" + servers + ", token=" + (token.length() > 4 ? token.substring(0, 4) : "") + "..., registration="
        + registration + ", cacheDirectory=" + cacheDirectory + ", trustedRoots=" + trustedRoots.size() + ", serverIdentity="
        + serverIdentity + ", connectTimeout=" + connectTimeout + ", streamIdleTimeout=" + streamIdleTimeout + ", backoff="
        + backoffInitial + ".." + backoffMax + ", renewFraction=" + renewFraction + "]";
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder filled from the environment (the {@code MESHLET_*} names of this class); what the
   * environment lacks is left for the caller to set, and what it has may be overridden.
   *
   * @throws IllegalArgumentException naming the variable when one cannot be read
   */
  public static Builder fromEnvironment(Map<String, String> env) {
    Builder b = new Builder();
    String servers = env.get(ENV_SERVERS);
    if (servers != null && !servers.isBlank()) {
      b.servers(List.of(servers.split("\\s*,\\s*")));
    }
    String token = env.get(ENV_TOKEN);
    String tokenFile = env.get(ENV_TOKEN_FILE);
    if (token != null && !token.isBlank()) {
      b.token(token.trim());
    } else if (tokenFile != null && !tokenFile.isBlank()) {
      try {
        b.token(Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).trim());
      } catch (IOException e) {
        throw new IllegalArgumentException(ENV_TOKEN_FILE + "=" + tokenFile + ": cannot read (" + e.getMessage() + ")", e);
      }
    }
    b.service = env.get(ENV_SERVICE);
    b.namespace = env.get(ENV_NAMESPACE);
    b.serviceAccount = env.get(ENV_SERVICE_ACCOUNT);
    b.address = env.get(ENV_ADDRESS);
    b.locality = env.get(ENV_LOCALITY);
    b.name = env.get(ENV_NAME);
    if (env.get(ENV_PORTS) != null) {
      Map<String, Integer> ports = new LinkedHashMap<>();
      pairs(ENV_PORTS, env.get(ENV_PORTS)).forEach((k, v) -> {
        try {
          ports.put(k, Integer.parseInt(v));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(ENV_PORTS + ": port " + k + "=" + v + " (expected: a number 1..65535)");
        }
      });
      b.ports = ports;
    }
    if (env.get(ENV_LABELS) != null) {
      b.labels = pairs(ENV_LABELS, env.get(ENV_LABELS));
    }
    String cache = env.get(ENV_CACHE_DIR);
    if (cache != null && !cache.isBlank()) {
      b.cacheDirectory(Path.of(cache));
    }
    String serverId = env.get(ENV_SERVER_IDENTITY);
    if (serverId != null && !serverId.isBlank()) {
      try {
        b.serverIdentity(SpiffeId.parse(serverId.trim()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(ENV_SERVER_IDENTITY + ": " + e.getMessage(), e);
      }
    }
    String bundle = env.get(ENV_TRUST_BUNDLE);
    if (bundle != null && !bundle.isBlank()) {
      b.trustBundle(Path.of(bundle));
    }
    return b;
  }

  private static Map<String, String> pairs(String variable, String value) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : value.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(variable + ": '" + pair.trim() + "' (expected: name=value, comma-separated)");
      }
      out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return out;
  }

  /** Builds a {@link DiscoveryConfig}; servers, token, service and address are required. */
  public static final class Builder {
    private List<String> servers = List.of();
    private @Nullable String token;
    private @Nullable Registration registration;
    private @Nullable String name;
    private @Nullable String service;
    private @Nullable String namespace;
    private @Nullable String serviceAccount;
    private @Nullable String address;
    private @Nullable String locality;
    private Map<String, Integer> ports = Map.of();
    private Map<String, String> labels = Map.of();
    private @Nullable Path cacheDirectory;
    private List<X509Certificate> trustedRoots = List.of();
    private SpiffeId serverIdentity = DEFAULT_SERVER_IDENTITY;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
    private Duration backoffInitial = DEFAULT_BACKOFF_INITIAL;
    private Duration backoffMax = DEFAULT_BACKOFF_MAX;
    private double renewFraction = DEFAULT_RENEW_FRACTION;

    private Builder() {}

    public Builder servers(List<String> servers) {
      this.servers = List.copyOf(servers);
      return this;
    }

    public Builder servers(String... servers) {
      return servers(List.of(servers));
    }

    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /** The whole registration at once; it replaces the identity fields set one by one. */
    public Builder registration(Registration registration) {
      this.registration = registration;
      return this;
    }

    /** The workload's identity, field by field (what {@link #registration} would hold). */
    public Builder identity(String service, String namespace, String serviceAccount) {
      this.service = service;
      this.namespace = namespace;
      this.serviceAccount = serviceAccount;
      return this;
    }

    public Builder address(String address) {
      this.address = address;
      return this;
    }

    public Builder ports(Map<String, Integer> ports) {
      this.ports = Map.copyOf(ports);
      return this;
    }

    public Builder labels(Map<String, String> labels) {
      this.labels = Map.copyOf(labels);
      return this;
    }

    public Builder locality(@Nullable String locality) {
      this.locality = locality;
      return this;
    }

    public Builder name(@Nullable String name) {
      this.name = name;
      return this;
    }

    public Builder cacheDirectory(@Nullable Path cacheDirectory) {
      this.cacheDirectory = cacheDirectory;
      return this;
    }

    public Builder trustedRoots(List<X509Certificate> roots) {
      this.trustedRoots = List.copyOf(roots);
      return this;
    }

    /** Reads the roots from a PEM file. */
    public Builder trustBundle(Path pemFile) {
      try {
        this.trustedRoots = Pem.readCertificates(Files.readString(pemFile, StandardCharsets.US_ASCII), pemFile.toString());
      } catch (IOException e) {
        throw new UncheckedIOException("trust bundle " + pemFile + ": cannot read (" + e.getMessage() + ")", e);
      }
      return this;
    }

    public Builder serverIdentity(SpiffeId id) {
      this.serverIdentity = Objects.requireNonNull(id, "serverIdentity");
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    public Builder streamIdleTimeout(Duration d) {
      this.streamIdleTimeout = d;
      return this;
    }

    public Builder backoff(Duration initial, Duration max) {
      this.backoffInitial = initial;
      this.backoffMax = max;
      return this;
    }

    public Builder renewFraction(double fraction) {
      this.renewFraction = fraction;
      return this;
    }

    public DiscoveryConfig build() {
      if (token == null) {
        throw new IllegalArgumentException("token: not set (expected: a bootstrap token, or " + ENV_TOKEN + " / " + ENV_TOKEN_FILE + ")");
      }
      Registration reg = registration;
      if (reg == null) {
        if (service == null || service.isBlank()) {
          throw new IllegalArgumentException("service: not set (expected: the service name, or " + ENV_SERVICE + ")");
        }
        if (address == null || address.isBlank()) {
          throw new IllegalArgumentException("address: not set (expected: the address the workload listens on, or " + ENV_ADDRESS + ")");
        }
        reg = new Registration(name, service, namespace, address, ports, labels, serviceAccount, locality);
      }
      return new DiscoveryConfig(servers, token, reg, cacheDirectory, trustedRoots, serverIdentity, connectTimeout, streamIdleTimeout,
          backoffInitial, backoffMax, renewFraction);
    }
  }
}
