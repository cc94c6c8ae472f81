/** {@code meshctl}, Meshlet's command line: validate rules, run and talk to a discovery server. */
@NullMarked
package dev.meshlet.discovery.cli;

import org.jspecify.annotations.NullMarked;
