#!/usr/bin/env sh
# Benchmarks a running ChatApp (start it first, see docs/benchmarks/README.md) and writes
# docs/benchmarks/latest.json, the plots and the README's results table. Options go to the
# benchmark, e.g.
#   ./bench.sh --quick                         every phase, short (to try it)
#   ./bench.sh --phases=ramp,rates --rates=250,500
#   ./bench.sh --soak=10m                      everything, then 10 minutes at the peak rate
set -e
cd "$(dirname "$0")"
# Thousands of sockets: raise the open-files limit as far as allowed.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
JAR=benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar
if [ ! -f "$JAR" ] || [ -n "$(find benchmarks/src benchmarks/pom.xml -newer "$JAR" 2>/dev/null | head -n 1)" ]; then
  ./mvnw -q -B -pl benchmarks -am package -DskipTests
fi
# The load generator shares the machine with the system: one GC thread, a heap for 20,000 sockets.
exec java -XX:+UseSerialGC -Xms256m -Xmx2g -Djava.awt.headless=true -jar "$JAR" "$@"
