#!/usr/bin/env bash
# Measures a start of the built system: seconds from launching the AppHost to "ChatApp is up"
# (every service healthy), then the total resident memory of the AppHost and every process it
# started (services, Kafka, PostgreSQL with its worker processes). Stops everything afterwards.
# Usage (from the repository root, jars built): apphost/measure.sh [AppHost options...]
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir=.data
for arg in "$@"; do
  case "$arg" in --data-dir=*) data_dir="${arg#--data-dir=}" ;; esac
done
log=$(mktemp)
start=$(date +%s%N)
./run.sh --no-build "$@" >"$log" 2>&1 &
apphost=$!
until grep -q "ChatApp is up" "$log"; do
  if ! kill -0 "$apphost" 2>/dev/null; then cat "$log"; exit 1; fi
  sleep 0.05
done
end=$(date +%s%N)
sleep 3 # let the JVMs settle after start-up
# The AppHost's process tree, plus PostgreSQL's (pg_ctl daemonizes it), found via the pid file.
roots="$apphost $(cut -d' ' -f1 "$data_dir/apphost.pids")"
all=()
queue=($roots)
while [ ${#queue[@]} -gt 0 ]; do
  pid=${queue[0]}
  queue=("${queue[@]:1}")
  all+=("$pid")
  queue+=($(pgrep -P "$pid" || true))
done
pids=$(echo "${all[@]}" | tr ' ' '\n' | sort -u | tr '\n' ',' | sed 's/,$//')
rss_kb=$(ps -o rss= -p "$pids" | awk '{s+=$1} END {print s}')
count=$(ps -o pid= -p "$pids" | wc -l)
grep "ChatApp is up" "$log"
echo "start: $(( (end - start) / 1000000 )) ms; RSS: $(( rss_kb / 1024 )) MB in $count processes"
ps -o pid=,rss=,args= -p "$pids" | awk '{printf "  %6d MB  %s %s %s\n", $2/1024, $3, $(NF-1), $NF}'
kill -TERM "$apphost"
wait "$apphost" || true
rm -f "$log"
