# Shared by bin/bookinfo and bin/demo: builds examples/target/bookinfo.jar (and its lib/) when it
# is missing or older than any source it is made of.
jar="$root/examples/target/bookinfo.jar"

examples_stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$root/pom.xml" "$root"/mesh-*/pom.xml "$root"/mesh-*/src/main "$root/examples/pom.xml" \
      "$root/examples/src/main" -newer "$jar" -type f -print -quit 2>/dev/null)" ]
}

build_examples() {
  local who="$1"
  if examples_stale; then
    echo "$who: building Meshlet and the examples (mvn package -pl examples -am, tests skipped)..." >&2
    local log
    log="$(mktemp)"
    # Maven's own progress, one line per module, so a first build does not look stuck.
    if ! (cd "$root" && mvn -B -Dstyle.color=never -Dmaven.test.skip=true -pl examples -am package) >"$log" 2>&1 \
        < /dev/null; then
      cat "$log" >&2
      echo "$who: build failed (above)" >&2
      rm -f "$log"
      exit 1
    fi
    grep -E "Building Meshlet|BUILD|Total time" "$log" | sed 's/^\[INFO\] /  /' >&2 || true
    rm -f "$log"
    touch "$jar"
  fi
}
