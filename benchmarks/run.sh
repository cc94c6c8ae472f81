#!/usr/bin/env bash
# Meshlet's load comparison: raw OkHttp, raw JSSE mTLS, Meshlet (plain, mTLS) and two HAProxy
# sidecars, on loopback, same server, same load. Prints one line per scenario, then, last, one
# JSON object: {"scenarios": {...}, "ratios": {...}}. See docs/performance.md.
#
#   benchmarks/run.sh [--quick] [--repeat N] [--rate RPS] [--concurrency N] [--server jetty|jdk] [--only raw,sidecar] [--jfr DIR]
#
# --quick: about three minutes on two cores once built (3.5 from a fresh clone); without it, about eleven (budgets:
# 3 and 15 minutes; more when other work shares the cores). Everything it starts (server JVM,
# client JVMs, HAProxy) is stopped on exit, Ctrl-C included.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

work="$(mktemp -d -t meshlet-bench.XXXXXX)"
child_pid=""

# Kill what the harness recorded in $work/pids, but only processes whose command line names
# $work: a PID reused by an unrelated process after ours exited is left alone.
stop_recorded() {
  local signal="$1" pid
  [ -f "$work/pids" ] || return 0
  while read -r pid; do
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF "$work"; then
      kill "-$signal" "$pid" 2>/dev/null || true
    fi
  done < "$work/pids"
}

cleanup() {
  trap - EXIT INT TERM
  if [ -n "$child_pid" ]; then
    kill "$child_pid" 2>/dev/null || true
    wait "$child_pid" 2>/dev/null || true
  fi
  stop_recorded TERM
  sleep 0.3
  stop_recorded KILL
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Children run in the background and are waited for, so that a signal to this script is handled
# at once (bash defers traps while a foreground child runs) and the child is stopped with it.
run_child() {
  "$@" &
  child_pid=$!
  local status=0
  wait "$child_pid" || status=$?
  child_pid=""
  return "$status"
}

echo "[bench] building (mvn -pl benchmarks -am package, tests skipped)" >&2
# Build output goes to stderr: stdout carries only the scenario lines and the JSON line.
run_child mvn -q -B -Dstyle.color=never -pl benchmarks -am package -DskipTests 1>&2

if ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then
  echo "[bench] installing HAProxy from the distribution's packages" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq haproxy >/dev/null
fi
haproxy_bin="$(command -v haproxy || echo /usr/sbin/haproxy)"
echo "[bench] $("$haproxy_bin" -v | head -1); $(java -version 2>&1 | head -1)" >&2

run_child java -cp benchmarks/target/benchmarks.jar dev.meshlet.benchmarks.BenchmarkMain \
  --work "$work" --haproxy "$haproxy_bin" "$@"
