# Shared by bin/bookinfo and bin/demo: builds examples/target/bookinfo.jar (and its lib/), and
# mesh-discovery/target/meshctl.jar (and its lib/) that the demo runs the discovery server from,
# when either is missing or older than any source it is made of. One Maven run builds both.
jar="$root/examples/target/bookinfo.jar"
meshctl_jar="$root/mesh-discovery/target/meshctl.jar"

examples_stale() {
  local built
  for built in "$jar" "$meshctl_jar"; do
    [ ! -f "$built" ] && return 0
    [ -n "$(find "$root/pom.xml" "$root"/mesh-*/pom.xml "$root"/mesh-*/src/main "$root/examples/pom.xml" \
        "$root/examples/src/main" -newer "$built" -type f -print -quit 2>/dev/null)" ] && return 0
  done
  return 1
}

build_examples() {
  local who="$1"
  if examples_stale; then
    echo "$who: building Meshlet, meshctl and the examples (mvn package -pl examples,mesh-discovery -am, tests skipped)..." >&2
    local log
    log="$(mktemp)"
    # copy-dependencies only adds: a jar dropped from the examples' dependencies must leave lib/ too.
    rm -rf "$root/examples/target/lib"
    # Maven's own progress, one line per module as it starts, so a first build does not look stuck.
    set +e
    (cd "$root" && mvn -B -Dstyle.color=never -Dmaven.test.skip=true -pl examples,mesh-discovery -am package) \
        < /dev/null 2>&1 | tee "$log" | grep --line-buffered -E "Building Meshlet|BUILD|Total time" \
        | sed -u 's/^\[INFO\] /  /' >&2
    local status=${PIPESTATUS[0]}
    set -e
    if [ "$status" -ne 0 ]; then
      cat "$log" >&2
      echo "$who: build failed (above)" >&2
      rm -f "$log"
      exit 1
    fi
    rm -f "$log"
    touch "$jar" "$meshctl_jar" # the jar plugin leaves an up-to-date jar alone; mark both as checked
  fi
}
