/**
 * What a request being served carries on to the calls it makes: its trace context headers and
 * its deadline, held for the thread that runs the application's handler.
 */
@NullMarked
package dev.meshlet.agent.context;

import org.jspecify.annotations.NullMarked;
