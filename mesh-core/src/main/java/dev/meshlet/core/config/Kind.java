package dev.meshlet.core.config;

import dev.meshlet.core.config.networking.DestinationRule;
import dev.meshlet.core.config.networking.ServiceEntry;
import dev.meshlet.core.config.networking.Sidecar;
import dev.meshlet.core.config.networking.VirtualService;
import dev.meshlet.core.config.networking.WorkloadEntry;
import dev.meshlet.core.config.security.AuthorizationPolicy;
import dev.meshlet.core.config.security.PeerAuthentication;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The Istio resource kinds Meshlet reads, with the API groups and versions it accepts for each. */
public enum Kind {
  VIRTUAL_SERVICE("VirtualService", Group.NETWORKING, VirtualService.class),
  DESTINATION_RULE("DestinationRule", Group.NETWORKING, DestinationRule.class),
  SERVICE_ENTRY("ServiceEntry", Group.NETWORKING, ServiceEntry.class),
  WORKLOAD_ENTRY("WorkloadEntry", Group.NETWORKING, WorkloadEntry.class),
  SIDECAR("Sidecar", Group.NETWORKING, Sidecar.class),
  PEER_AUTHENTICATION("PeerAuthentication", Group.SECURITY, PeerAuthentication.class),
  AUTHORIZATION_POLICY("AuthorizationPolicy", Group.SECURITY, AuthorizationPolicy.class);

  /** An API group and the versions of it that Istio serves. */
  public enum Group {
    NETWORKING("networking.istio.io", List.of("v1", "v1beta1", "v1alpha3")),
    SECURITY("security.istio.io", List.of("v1", "v1beta1"));

    private final String name;
    private final List<String> versions;

    Group(String name, List<String> versions) {
      this.name = name;
      this.versions = versions;
    }

    public String groupName() {
      return name;
    }

    public List<String> versions() {
      return versions;
    }

    /** The apiVersion a resource of this group is written with by default (the newest). */
    public String preferredApiVersion() {
      return name + "/" + versions.get(0);
    }
  }

  private final String kindName;
  private final Group group;
  private final Class<?> specType;

  Kind(String kindName, Group group, Class<?> specType) {
    this.kindName = kindName;
    this.group = group;
    this.specType = specType;
  }

  /** The name as written in a document's {@code kind} field, e.g. {@code VirtualService}. */
  public String kindName() {
    return kindName;
  }

  public Group group() {
    return group;
  }

  /** The record class a resource's {@code spec} binds to. */
  public Class<?> specType() {
    return specType;
  }

  /** Whether {@code apiVersion} (e.g. {@code networking.istio.io/v1beta1}) serves this kind. */
  public boolean accepts(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash > 0
        && apiVersion.substring(0, slash).equals(group.groupName())
        && group.versions().contains(apiVersion.substring(slash + 1));
  }

  /** Finds a kind by its document name ({@code VirtualService}), case-sensitively as Kubernetes does. */
  public static Optional<Kind> byName(@Nullable String kindName) {
    for (Kind kind : values()) {
      if (kind.kindName.equals(kindName)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  /**
   * Finds a kind by a name a person types on a command line: {@code VirtualService},
   * {@code virtualservice}, {@code virtualservices} or Istio's short name {@code vs}.
   */
  public static Optional<Kind> byCliName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (Kind kind : values()) {
      String lower = kind.kindName.toLowerCase(Locale.ROOT);
      if (n.equals(lower) || n.equals(lower + "s") || n.equals(lower + "es") || n.equals(kind.shortName())) {
        return Optional.of(kind);
      }
    }
    if (n.equals("authorizationpolicies")) {
      return Optional.of(AUTHORIZATION_POLICY);
    }
    if (n.equals("serviceentries")) {
      return Optional.of(SERVICE_ENTRY);
    }
    return Optional.empty();
  }

  /** Istio's kubectl short name for the kind. */
  public String shortName() {
    return switch (this) {
      case VIRTUAL_SERVICE -> "vs";
      case DESTINATION_RULE -> "dr";
      case SERVICE_ENTRY -> "se";
      case WORKLOAD_ENTRY -> "we";
      case SIDECAR -> "sidecar";
      case PEER_AUTHENTICATION -> "pa";
      case AUTHORIZATION_POLICY -> "ap";
    };
  }

  @Override
  public String toString() {
    return kindName;
  }
}
