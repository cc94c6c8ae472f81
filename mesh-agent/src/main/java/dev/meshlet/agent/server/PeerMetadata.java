package dev.meshlet.agent.server;

import dev.meshlet.core.telemetry.WorkloadLabels;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The caller's workload labels, sent on each outbound call so the server can report them
 * ({@code source_workload}, {@code source_app}, {@code source_version}...), as Istio's metadata
 * exchange does with {@code x-envoy-peer-metadata}. Istio's value is a base64 protobuf Struct
 * that Meshlet does not write; Meshlet's is its own header, readable with curl:
 * {@code x-meshlet-peer-metadata: workload=productpage-v1;namespace=default;app=productpage;version=v1;service=productpage;revision=v1}.
 *
 * <p>A header anyone can write proves nothing: the server takes from it only labels that decide
 * nothing. The principal comes from the certificate alone, and over mutual TLS metadata whose
 * namespace differs from the certificate's is ignored whole.
 */
public final class PeerMetadata {
  /** The request header that carries the caller's labels. */
  public static final String HEADER = "x-meshlet-peer-metadata";

  /** Longer values are ignored: real metadata is a few dozen bytes. */
  static final int MAX_LENGTH = 512;

  private PeerMetadata() {}

  /** {@code labels} as the header's value (its principal is left out: the certificate tells it). */
  public static String encode(WorkloadLabels labels) {
    StringBuilder out = new StringBuilder();
    append(out, "workload", labels.workload());
    append(out, "namespace", labels.namespace());
    append(out, "app", labels.app());
    append(out, "version", labels.version());
    append(out, "service", labels.canonicalService());
    append(out, "revision", labels.canonicalRevision());
    append(out, "cluster", labels.cluster());
    return out.toString();
  }

  private static void append(StringBuilder out, String key, String value) {
    if (value.equals(WorkloadLabels.UNKNOWN) || (key.equals("revision") && value.equals(WorkloadLabels.LATEST))) {
      return;
    }
    if (!out.isEmpty()) {
      out.append(';');
    }
    out.append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  /**
   * The caller's labels from the header's {@code value}, with {@code principal} (null without
   * mutual TLS) and, when the certificate proved one, its {@code namespace}; null when the value is
   * absent, too long or malformed, or names another namespace than the certificate.
   */
  public static @Nullable WorkloadLabels decode(@Nullable String value, @Nullable String principal,
      @Nullable String certifiedNamespace) {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
      return null;
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : value.split(";")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        return null;
      }
      try {
        fields.put(pair.substring(0, eq).trim(), URLDecoder.decode(pair.substring(eq + 1).trim(), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    String namespace = fields.get("namespace");
    if (certifiedNamespace != null) {
      if (namespace != null && !namespace.equals(certifiedNamespace)) {
        return null;
      }
      namespace = certifiedNamespace;
    }
    return new WorkloadLabels(fields.get("workload"), namespace, principal == null ? null : "spiffe://" + principal,
        fields.get("app"), fields.get("version"), fields.get("service"), fields.get("revision"), fields.get("cluster"));
  }
}
