/**
 * The in-process runtime: {@link dev.meshlet.agent.Mesh} turns Meshlet on for one service and
 * owns everything it runs.
 */
@NullMarked
package dev.meshlet.agent;

import org.jspecify.annotations.NullMarked;
