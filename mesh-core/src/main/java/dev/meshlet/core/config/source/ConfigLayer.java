package dev.meshlet.core.config.source;

/**
 * Where a piece of config came from, in order of precedence: a central (discovery server) or
 * file resource for a host wins over the service's own annotations for that host.
 */
public enum ConfigLayer {
  /** Pushed by the discovery server. */
  CENTRAL,
  /** Read from a local directory of YAML files. */
  FILE,
  /** Compiled from the service's own annotations. */
  ANNOTATION
}
