package dev.meshlet.core.config.validation;

import dev.meshlet.core.config.networking.LoadBalancerSettings;
import dev.meshlet.core.config.networking.LocalityLoadBalancerSetting;
import dev.meshlet.core.config.networking.OutlierDetection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Istio's validateLoadBalancer and ValidateLocalityLbSetting, with the CRD's oneOf rules
 * (simple or consistentHash; one hash key; ringHash or maglev) and warmup limits.
 */
final class LoadBalancerChecks {
  private static final Set<String> TOPOLOGY_LABELS =
      Set.of("topology.kubernetes.io/region", "topology.kubernetes.io/zone", "topology.istio.io/subzone");

  private LoadBalancerChecks() {}

  static void loadBalancer(Checks c, String path, @Nullable LoadBalancerSettings lb, @Nullable OutlierDetection outlier) {
    if (lb == null) {
      return;
    }
    if (lb.simple() != null && lb.consistentHash() != null) {
      c.error(path, "only one of simple or consistentHash may be set");
    }
    LoadBalancerSettings.ConsistentHashLb ch = lb.consistentHash();
    if (ch != null) {
      String at = path + ".consistentHash";
      int keys = (ch.httpHeaderName() != null ? 1 : 0) + (ch.httpCookie() != null ? 1 : 0)
          + (ch.useSourceIp() != null ? 1 : 0) + (ch.httpQueryParameterName() != null ? 1 : 0);
      if (keys > 1) {
        c.error(at, "only one of httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName may be set");
      }
      if (ch.ringHash() != null && ch.maglev() != null) {
        c.error(at, "only one of ringHash or maglev may be set");
      }
      if (ch.httpCookie() != null) {
        if (ch.httpCookie().name() == null || ch.httpCookie().name().isEmpty()) {
          c.error(at + ".httpCookie.name", "name required for HttpCookie");
        }
        List<LoadBalancerSettings.Attribute> attributes = ch.httpCookie().attributes();
        for (int i = 0; i < attributes.size(); i++) {
          if (attributes.get(i).name() == null) {
            c.error(at + ".httpCookie.attributes[" + i + "].name", "name is required");
          }
        }
        if (ch.httpCookie().ttl() != null && ch.httpCookie().ttl().isNegative()) {
          c.error(at + ".httpCookie.ttl", "duration must not be negative");
        }
      }
      long minRing = ch.minimumRingSize() == null ? 0 : ch.minimumRingSize();
      NetChecks.unsigned(c, at + ".minimumRingSize", ch.minimumRingSize());
      if (minRing != 0) {
        c.warn(at + ".minimumRingSize",
            "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead");
        if (ch.ringHash() != null || ch.maglev() != null) {
          c.error(at + ".minimumRingSize", "only one of MinimumRingSize or Maglev/Ringhash can be specified");
        }
      }
      if (ch.ringHash() != null) {
        NetChecks.unsigned(c, at + ".ringHash.minimumRingSize", ch.ringHash().minimumRingSize());
      }
      if (ch.maglev() != null) {
        long size = ch.maglev().tableSize() == null ? 0 : ch.maglev().tableSize();
        String sp = at + ".maglev.tableSize";
        if (size < 0) {
          NetChecks.unsigned(c, sp, size);
        } else if (size == 0) {
          c.error(sp, "tableSize must be set for maglev");
        } else {
          if (size >= 5000011) {
            c.error(sp, "tableSize must be less than 5000011 for maglev");
          }
          if (!isPrime(size)) {
            c.error(sp, "tableSize must be a prime number for maglev (it is " + size + ")");
          }
        }
      }
    }
    localityLbSetting(c, path + ".localityLbSetting", lb.localityLbSetting(), outlier);
    if (lb.warmupDurationSecs() != null) {
      c.duration(path + ".warmupDurationSecs", lb.warmupDurationSecs());
      c.warn(path + ".warmupDurationSecs", "warmupDurationSecs is deprecated, use warmup.duration instead");
    }
    LoadBalancerSettings.WarmupConfiguration w = lb.warmup();
    if (w != null) {
      if (w.duration() == null) {
        c.error(path + ".warmup.duration", "duration is required");
      } else {
        c.duration(path + ".warmup.duration", w.duration());
      }
      if (w.minimumPercent() != null && (w.minimumPercent() < 0 || w.minimumPercent() > 100)) {
        c.error(path + ".warmup.minimumPercent", w.minimumPercent() + " is not a percentage (expected: 0..100)");
      }
      if (w.aggression() != null && w.aggression() < 1) {
        c.error(path + ".warmup.aggression", w.aggression() + " is below 1 (expected: 1 or more; 1 is linear)");
      }
    }
  }

  // Envoy's (and so Istio's) primality test for Maglev table sizes.
  private static boolean isPrime(long x) {
    if (x != 0 && x < 4) {
      return true;
    }
    if ((x & 1) == 0) {
      return false;
    }
    long limit = (long) Math.sqrt((double) x);
    for (long f = 3; f <= limit; f += 2) {
      if (x % f == 0) {
        return false;
      }
    }
    return true;
  }

  static void localityLbSetting(Checks c, String path, @Nullable LocalityLoadBalancerSetting lb,
      @Nullable OutlierDetection outlier) {
    if (lb == null) {
      return;
    }
    if (!lb.distribute().isEmpty() && !lb.failover().isEmpty()) {
      c.error(path, "can not simultaneously specify 'distribute' and 'failover'");
      return;
    }
    if (!lb.failover().isEmpty()) {
      for (String label : lb.failoverPriority()) {
        if (TOPOLOGY_LABELS.contains(label)) {
          c.error(path + ".failoverPriority",
              "can not simultaneously set 'failover' and topology label '" + label + "' in 'failover_priority'");
          return;
        }
      }
    }
    for (int i = 0; i < lb.distribute().size(); i++) {
      LocalityLoadBalancerSetting.Distribute d = lb.distribute().get(i);
      String at = path + ".distribute[" + i + "]";
      long total = 0;
      for (Map.Entry<String, Integer> e : d.to().entrySet()) {
        if (e.getValue() <= 0 || e.getValue() > 100) {
          c.error(at + ".to[" + e.getKey() + "]", "locality weight must be in range [1, 100] (it is " + e.getValue() + ")");
          return;
        }
        total += e.getValue();
      }
      if (total != 100) {
        c.error(at + ".to", "total locality weight " + total + " != 100");
        return;
      }
      String err = localities(d.to().keySet().stream().sorted().toList());
      if (err != null) {
        c.error(at + ".to", err);
      }
    }
    String err = localities(lb.distribute().stream().map(d -> d.from() == null ? "" : d.from()).toList());
    if (err != null) {
      c.error(path + ".distribute", err);
    }
    if ((!lb.failover().isEmpty() || !lb.failoverPriority().isEmpty()) && outlier == null) {
      c.warn(path, "outlier detection policy must be provided for failover");
    }
    for (int i = 0; i < lb.failover().size(); i++) {
      LocalityLoadBalancerSetting.Failover f = lb.failover().get(i);
      String at = path + ".failover[" + i + "]";
      String from = f.from() == null ? "" : f.from();
      String to = f.to() == null ? "" : f.to();
      if (from.equals(to)) {
        c.error(at, "locality lb failover settings must specify different regions");
      }
      if (from.contains("/") || to.contains("/")) {
        c.error(at, "locality lb failover only specify region");
      }
      if (from.contains("*") || to.contains("*")) {
        c.error(at, "locality lb failover region should not contain '*' wildcard");
      }
    }
  }

  /** Istio's validateLocalities: region/zone/subzone, a '*' only at the end, no overlaps. */
  private static @Nullable String localities(List<String> localities) {
    Map<String, Map<String, Set<String>>> seen = new HashMap<>();
    for (String locality : localities) {
      long stars = locality.chars().filter(ch -> ch == '*').count();
      if (stars > 1 || (stars == 1 && !locality.endsWith("*"))) {
        return "locality " + locality + " wildcard '*' number can not exceed 1 and must be in the end";
      }
      if (seen.containsKey("*")) {
        return "locality " + locality + " overlap with previous specified ones";
      }
      String[] items = locality.split("/", 3);
      for (String item : items) {
        if (item.isEmpty()) {
          return "locality " + locality + " must not contain empty region/zone/subzone info";
        }
      }
      String region = items[0];
      Map<String, Set<String>> zones = seen.get(region);
      switch (items.length) {
        case 1 -> {
          if (zones != null) {
            return "locality " + locality + " overlap with previous specified ones";
          }
          seen.put(region, new HashMap<>(Map.of("*", new HashSet<>(Set.of("*")))));
        }
        case 2 -> {
          if (zones != null && (zones.containsKey("*") || zones.containsKey(items[1]))) {
            return "locality " + locality + " overlap with previous specified ones";
          }
          seen.computeIfAbsent(region, k -> new HashMap<>()).put(items[1], new HashSet<>(Set.of("*")));
        }
        default -> {
          if (zones != null) {
            if (zones.containsKey("*")) {
              return "locality " + locality + " overlap with previous specified ones";
            }
            Set<String> subzones = zones.get(items[1]);
            if (subzones != null && (subzones.contains("*") || subzones.contains(items[2]))) {
              return "locality " + locality + " overlap with previous specified ones";
            }
          }
          seen.computeIfAbsent(region, k -> new HashMap<>()).computeIfAbsent(items[1], k -> new HashSet<>()).add(items[2]);
        }
      }
    }
    return null;
  }
}
