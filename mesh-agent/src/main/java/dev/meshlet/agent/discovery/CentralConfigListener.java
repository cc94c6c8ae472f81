package dev.meshlet.agent.discovery;

/**
 * Receives each view the discovery server pushes, after the agent validated it as local files are
 * validated; the Mesh facade implements it by composing the resources as its
 * {@link dev.meshlet.core.config.source.ConfigLayer#CENTRAL} layer and compiling the result.
 *
 * <p>The agent calls it one view at a time, never concurrently, each time with the whole view (not
 * a delta). A refused view (or an exception) is NACKed to the server, and the listener must keep
 * running the last view it applied.
 */
@FunctionalInterface
public interface CentralConfigListener {
  /** Applies {@code view} atomically, or refuses it whole and says why. */
  ApplyOutcome onConfig(CentralView view);
}
