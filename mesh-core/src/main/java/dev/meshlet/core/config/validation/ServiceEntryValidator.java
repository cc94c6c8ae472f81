package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.networking.ServiceEntry;
import dev.meshlet.core.config.networking.WorkloadEntry;
import java.util.HashSet;
import java.util.Set;

/**
 * Istio's ValidateServiceEntry: hosts, addresses, ports, the endpoints each resolution allows,
 * the workload selector, exportTo, and the CRD's rules (hosts required, unique port numbers,
 * CIDRs only for NONE and STATIC).
 */
public final class ServiceEntryValidator implements SpecValidator<ServiceEntry> {
  @Override
  public void validate(Resource<ServiceEntry> resource, Checks c) {
    ServiceEntry se = resource.spec();
    ServiceEntry.Resolution resolution = se.resolution() == null ? ServiceEntry.Resolution.NONE : se.resolution();
    NetChecks.workloadSelector(c, "spec.workloadSelector", se.workloadSelector(), "service entry");
    if (se.workloadSelector() != null && !se.endpoints().isEmpty()) {
      c.error("spec", "only one of WorkloadSelector or Endpoints is allowed in Service Entry");
    }
    if (se.hosts().isEmpty()) {
      c.error("spec.hosts", "service entry must have at least one host");
    }
    for (int i = 0; i < se.hosts().size(); i++) {
      String host = se.hosts().get(i);
      String at = "spec.hosts[" + i + "]";
      if (host.equals("*")) {
        c.error(at, "invalid host * (a ServiceEntry cannot claim every host)");
        continue;
      }
      String err = HostChecks.wildcardDomain(host);
      if (err != null) {
        c.error(at, err);
      }
      String partial = HostChecks.partialWildcard(host);
      if (partial != null) {
        c.warn(at, partial);
      }
    }
    boolean cidr = false;
    for (int i = 0; i < se.addresses().size(); i++) {
      String address = se.addresses().get(i);
      cidr |= address.contains("/");
      String err = HostChecks.ipSubnet(address);
      if (err != null) {
        c.error("spec.addresses[" + i + "]", err);
      }
    }
    if (cidr && resolution != ServiceEntry.Resolution.NONE && resolution != ServiceEntry.Resolution.STATIC) {
      c.error("spec.addresses", "CIDR addresses are allowed only for NONE/STATIC resolution types");
    }
    Set<String> portNames = new HashSet<>();
    Set<Integer> portNumbers = new HashSet<>();
    for (int i = 0; i < se.ports().size(); i++) {
      ServiceEntry.ServicePort port = se.ports().get(i);
      String at = "spec.ports[" + i + "]";
      String name = port.name() == null ? "" : port.name();
      int number = port.number() == null ? 0 : port.number();
      if (!portNames.add(name)) {
        c.error(at + ".name", "service entry port name \"" + name + "\" already defined");
      }
      if (!portNumbers.add(number)) {
        c.error(at + ".number", "service entry port " + number + " already defined");
      }
      if (port.targetPort() != null && port.targetPort() != 0) {
        NetChecks.port(c, at + ".targetPort", port.targetPort());
        if (resolution == ServiceEntry.Resolution.NONE) {
          c.warn(at + ".targetPort", "targetPort has no effect when resolution mode is NONE");
        }
      }
      NetChecks.portName(c, at + ".name", port.name());
      NetChecks.protocol(c, at + ".protocol", port.protocol());
      NetChecks.port(c, at + ".number", port.number());
    }
    switch (resolution) {
      case NONE -> {
        if (!se.endpoints().isEmpty()) {
          c.error("spec.endpoints", "no endpoints should be provided for resolution type none");
        }
        if (se.workloadSelector() != null) {
          c.warn("spec.workloadSelector", "workloadSelector should not be set when resolution mode is NONE");
        }
      }
      case STATIC -> {
        for (int i = 0; i < se.endpoints().size(); i++) {
          WorkloadEntryValidator.entry(c, "spec.endpoints[" + i + "]", se.endpoints().get(i), portNames, false);
        }
      }
      case DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS -> dnsEndpoints(c, se, resolution, portNames);
    }
    if (resolution != ServiceEntry.Resolution.NONE && se.hosts().size() > 1) {
      for (ServiceEntry.ServicePort port : se.ports()) {
        NetChecks.Protocol p = NetChecks.Protocol.parse(port.protocol());
        if (!p.isHttp() && !p.isTls()) {
          c.error("spec.hosts", "multiple hosts provided with non-HTTP, non-TLS ports");
          break;
        }
      }
    }
    NetChecks.exportTo(c, "spec.exportTo", resource.namespace(), se.exportTo(), true, false);
    crdLimits(c, se);
  }

  /** The CRD schema's size limits. */
  private static void crdLimits(Checks c, ServiceEntry se) {
    if (se.hosts().size() > 256) {
      c.error("spec.hosts", "at most 256 hosts are allowed");
    }
    if (se.addresses().size() > 256) {
      c.error("spec.addresses", "at most 256 addresses are allowed");
    }
    for (int i = 0; i < se.addresses().size(); i++) {
      if (se.addresses().get(i).length() > 64) {
        c.error("spec.addresses[" + i + "]", "an address is at most 64 characters");
      }
    }
    if (se.ports().size() > 256) {
      c.error("spec.ports", "at most 256 ports are allowed");
    }
    if (se.endpoints().size() > 4096) {
      c.error("spec.endpoints", "at most 4096 endpoints are allowed");
    }
    for (int i = 0; i < se.endpoints().size(); i++) {
      if (se.resolution() != ServiceEntry.Resolution.STATIC) {
        // STATIC endpoints went through WorkloadEntryValidator.entry, which checks these.
        WorkloadEntryValidator.crdLimits(c, "spec.endpoints[" + i + "]", se.endpoints().get(i));
      }
    }
  }

  private static void dnsEndpoints(Checks c, ServiceEntry se, ServiceEntry.Resolution resolution, Set<String> portNames) {
    // DYNAMIC_DNS resolves wildcard hosts per request, so they need not be FQDNs there.
    if (se.endpoints().isEmpty() && resolution != ServiceEntry.Resolution.DYNAMIC_DNS) {
      for (int i = 0; i < se.hosts().size(); i++) {
        if (HostChecks.fqdn(se.hosts().get(i)) != null) {
          c.error("spec.hosts[" + i + "]", "hosts must be FQDN if no endpoints are provided for resolution mode " + resolution);
        }
      }
    }
    if (resolution == ServiceEntry.Resolution.DNS_ROUND_ROBIN && se.endpoints().size() > 1) {
      c.error("spec.endpoints", "there must only be 0 or 1 endpoint for resolution mode " + resolution);
    }
    for (int i = 0; i < se.endpoints().size(); i++) {
      WorkloadEntry ep = se.endpoints().get(i);
      String at = "spec.endpoints[" + i + "]";
      String addr = ep.address() == null ? "" : ep.address();
      if (addr.isEmpty() && (ep.network() == null || ep.network().isEmpty())) {
        c.error(at + ".address", "address is required");
      } else if (!HostChecks.isIpAddress(addr) && HostChecks.fqdn(addr) != null) {
        c.error(at + ".address", "endpoint address \"" + addr + "\" is not a valid FQDN or an IP address");
      }
      NetChecks.labels(c, at + ".labels", ep.labels());
      ep.ports().forEach((name, port) -> {
        String pp = at + ".ports[" + name + "]";
        if (!portNames.contains(name)) {
          c.error(pp, "endpoint port " + port + " is not defined by the service entry (no port named \"" + name + "\")");
        }
        NetChecks.portName(c, pp, name);
        NetChecks.port(c, pp, port);
      });
      NetChecks.unsigned(c, at + ".weight", ep.weight());
    }
    if (se.workloadSelector() != null) {
      c.warn("spec.workloadSelector", "workloadSelector should not be set when resolution mode is " + resolution);
    }
    if (!se.addresses().isEmpty() && se.hosts().size() > 1) {
      for (ServiceEntry.ServicePort port : se.ports()) {
        if (NetChecks.Protocol.parse(port.protocol()).isTcp()) {
          c.warn("spec.hosts", "service entry can not have more than one host specified simultaneously with address and tcp port");
          break;
        }
      }
    }
  }
}
