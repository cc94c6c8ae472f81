package dev.meshlet.discovery.cli;

/** How a command prints data: for people, or as JSON for programs. */
enum Format {
  text,
  json
}
