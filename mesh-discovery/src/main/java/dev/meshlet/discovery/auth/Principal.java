package dev.meshlet.discovery.auth;

import java.util.Objects;

/** Who a request's credential proves the caller is. */
public sealed interface Principal {

  /** The mesh administrator: may write config and grant tokens. */
  record Admin() implements Principal {
    @Override
    public String toString() {
      return "admin";
    }
  }

  /** A workload of one service account in one namespace, proven by a bootstrap token. */
  record Workload(String serviceAccount, String namespace) implements Principal {
    public Workload {
      Objects.requireNonNull(serviceAccount, "serviceAccount");
      Objects.requireNonNull(namespace, "namespace");
    }

    /** Istio's principal form, {@code cluster.local/ns/NS/sa/SA}. */
    @Override
    public String toString() {
      return "cluster.local/ns/" + namespace + "/sa/" + serviceAccount;
    }
  }
}
