package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.networking.WorkloadEntry;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Istio's ValidateWorkloadEntry, also used for the endpoints of a ServiceEntry: an address (an
 * IP, a hostname or a Unix socket), named ports, labels, and the CRD's limits.
 */
public final class WorkloadEntryValidator implements SpecValidator<WorkloadEntry> {
  private static final String UNIX = "unix://";

  @Override
  public void validate(Resource<WorkloadEntry> resource, Checks c) {
    entry(c, "spec", resource.spec(), null, true);
  }

  /**
   * Checks one workload entry.
   *
   * @param servicePorts the port names of the enclosing ServiceEntry, or null for a WorkloadEntry
   * @param fqdnAllowed whether the address may be a hostname (not for STATIC endpoints)
   */
  static void entry(Checks c, String p, WorkloadEntry we, @Nullable Set<String> servicePorts, boolean fqdnAllowed) {
    String addr = we.address() == null ? "" : we.address();
    if (addr.isEmpty()) {
      if (we.network() == null || we.network().isEmpty()) {
        c.error(p + ".address", "address is required");
        return;
      }
      c.warn(p + ".address", "address is unset with network \"" + we.network() + "\"");
    }
    if (addr.length() > 256) {
      c.error(p + ".address", "address is longer than 256 characters");
    }
    boolean unix = addr.startsWith(UNIX);
    if (unix) {
      String err = HostChecks.unixAddress(addr.substring(UNIX.length()));
      if (err != null) {
        c.error(p + ".address", err);
      }
      if (!we.ports().isEmpty()) {
        c.error(p + ".ports", "unix endpoint " + addr + " must not include ports");
      }
    } else if (!addr.isEmpty() && !HostChecks.isIpAddress(addr)) {
      if (!fqdnAllowed) {
        c.error(p + ".address", "endpoint address \"" + addr + "\" is not a valid IP address");
      } else if (HostChecks.fqdn(addr) != null) {
        c.error(p + ".address", "endpoint address \"" + addr + "\" is not a valid FQDN or an IP address");
      }
    }
    we.ports().forEach((name, port) -> {
      String at = p + ".ports[" + name + "]";
      if (servicePorts != null && !servicePorts.contains(name)) {
        c.error(at, "endpoint port " + port + " is not defined by the service entry (no port named \"" + name + "\")");
      }
      NetChecks.portName(c, at, name);
      NetChecks.port(c, at, port);
    });
    NetChecks.labels(c, p + ".labels", we.labels());
    NetChecks.unsigned(c, p + ".weight", we.weight());
    crdLimits(c, p, we);
    if (we.serviceAccount() != null && we.serviceAccount().length() > 253) {
      c.error(p + ".serviceAccount", "service account is longer than 253 characters");
    }
    if (unix && servicePorts != null && servicePorts.size() != 1) {
      c.error(p + ".address", "exactly 1 service port required for unix endpoints");
    }
  }

  /** The CRD schema's size limits on a workload entry. */
  static void crdLimits(Checks c, String p, WorkloadEntry we) {
    if (we.labels().size() > 256) {
      c.error(p + ".labels", "at most 256 labels are allowed");
    }
    if (we.ports().size() > 128) {
      c.error(p + ".ports", "at most 128 ports are allowed");
    }
    for (String name : we.ports().keySet()) {
      if (name.length() >= 63) {
        c.error(p + ".ports[" + name + "]", "port name must be valid (shorter than 63 characters)");
      }
    }
    if (we.network() != null && we.network().length() > 2048) {
      c.error(p + ".network", "network is longer than 2048 characters");
    }
    if (we.locality() != null && we.locality().length() > 2048) {
      c.error(p + ".locality", "locality is longer than 2048 characters");
    }
  }
}
