#!/usr/bin/env sh
# Builds ChatApp and starts the whole system: Kafka, PostgreSQL, the migration job and every service.
# Needs only a JDK 17+. Options go to the AppHost (see apphost/README.md), e.g.
#   ./run.sh --fresh                   start from empty data
#   ./run.sh --replicas chats-api=2    two chats-api instances (5001 and 5011)
#   ./run.sh --profile=production      durable PostgreSQL, default JIT, heaps fit for load
#   ./run.sh --no-build                start the jars already built (anywhere among the options)
#   ./run.sh --help                    every option, without building or starting anything
#   ./run.sh --publish=kubernetes      write the model as Kubernetes manifests to deploy/kubernetes, start nothing
set -e
cd "$(dirname "$0")"
jar=apphost/target/apphost-0.1.0-SNAPSHOT.jar
build=true
modules=""
for arg in "$@"; do
  shift
  case "$arg" in
    --no-build) build=false ;;
    # The AppHost prints the options and exits; no need to build first unless nothing is built yet.
    --help|-h) [ -f "$jar" ] && build=false; set -- "$@" "$arg" ;;
    # Publishing reads the model only: the AppHost is all it needs built.
    --publish|--publish=*) modules="-pl apphost -am"; set -- "$@" "$arg" ;;
    *) set -- "$@" "$arg" ;;
  esac
done
if [ "$build" = true ]; then
  # shellcheck disable=SC2086
  ./mvnw -q -B package -DskipTests $modules
fi
# Every socket is a file descriptor: allow as many as the system lets this user have.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# The AppHost itself is a small supervisor: C1 and the serial collector are plenty.
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx128m -jar "$jar" "$@"
