package dev.meshlet.routing.lb;

import org.jspecify.annotations.Nullable;

/** Istio's locality strings, {@code region/zone/subzone}, and its matching of rule patterns. */
final class Localities {

  private Localities() {}

  /** The three parts of a locality; missing parts are empty. */
  static String[] split(@Nullable String locality) {
    String[] out = {"", "", ""};
    if (locality == null) {
      return out;
    }
    String[] parts = locality.split("/", -1);
    for (int i = 0; i < Math.min(3, parts.length); i++) {
      out[i] = parts[i];
    }
    return out;
  }

  /**
   * Whether {@code locality} matches {@code pattern}: as Istio's LocalityMatch, the region must
   * equal (or be {@code *}); a zone or subzone that is {@code *} or absent matches anything.
   */
  static boolean matches(String pattern, @Nullable String locality) {
    if (locality == null) {
      return false;
    }
    String[] p = split(pattern);
    String[] l = split(locality);
    boolean region = p[0].equals("*") || p[0].equals(l[0]);
    boolean zone = p[1].equals("*") || p[1].isEmpty() || p[1].equals(l[1]);
    boolean subzone = p[2].equals("*") || p[2].isEmpty() || p[2].equals(l[2]);
    return region && zone && subzone;
  }
}
