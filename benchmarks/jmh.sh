#!/usr/bin/env bash
# Runs Meshlet's JMH benchmarks with the GC profiler (allocation per operation).
#   benchmarks/jmh.sh                          every benchmark
#   benchmarks/jmh.sh ConfigReaderBenchmark    those whose name matches the regex
#   benchmarks/jmh.sh -f 1 -wi 2 -i 3 Config   any JMH option passes through (java -jar ... -h)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -q -B -pl benchmarks -am package -DskipTests
exec java -jar benchmarks/target/benchmarks.jar -prof gc "$@"
