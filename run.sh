#!/usr/bin/env sh
# Builds ChatApp and starts the whole system: Kafka, PostgreSQL, the migration job and every service.
# Needs only a JDK 17+. Options go to the AppHost (see apphost/README.md), e.g.
#   ./run.sh --fresh                   start from empty data
#   ./run.sh --replicas chats-api=2    two chats-api instances (5001 and 5011)
#   ./run.sh --no-build                start the jars already built
set -e
cd "$(dirname "$0")"
if [ "$1" = "--no-build" ]; then
  shift
else
  ./mvnw -q -B package -DskipTests
fi
# The AppHost itself is a small supervisor: C1 and the serial collector are plenty.
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx128m -jar apphost/target/apphost-0.1.0-SNAPSHOT.jar "$@"
