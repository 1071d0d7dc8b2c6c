#!/usr/bin/env bash
# A real Spark standalone cluster on 127.0.0.1, from the Maven artifacts alone (no Spark
# download): a SPARK_HOME whose jars/ holds Spark's runtime jars, a master and two workers, each
# its own JVM, web UIs on loopback. Then:
#   1. the whole nightly run on generated data in local[2], the reference;
#   2. the same run submitted with spark-submit (org.apache.spark.deploy.SparkSubmit, through
#      scripts/submit.sh) in client deploy mode, at DEBUG everywhere, with the first attempt of
#      every other write task failing and one executor killed (kill -9) in the middle of a stage,
#      then every log, the event log and every output searched for secrets;
#   3. the same in cluster deploy mode (the driver on a worker);
#   4. a local run killed while score writes, then rerun: the live pool stays until it publishes;
# each cluster lake compared with the reference row for row (ippipe compare). Keys travel as the
# README says for clusters (a 0600 key file at the same path on every node); so does the geo
# index. Everything is torn down on exit, also on failure.
#   scripts/cluster-smoke.sh [--proxies N] [--requests M] [--keep]
#   scripts/cluster-smoke.sh --scaling [--requests M]   a benchmark, not a check: two workers
#       of one core each; the nightly run (default 500 000 log lines) on one executor of one
#       core, then on two, timed, with the speedup, each executor's broadcast reads (the geo
#       index and the derived key arrive once per executor) and the two lakes compared.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"
proxies=1000; requests=8000; keep=0; date=2026-11-25; scaling=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scaling) scaling=1; requests=500000; proxies=20000; shift;;
    --proxies) proxies="$2"; shift 2;;
    --requests) requests="$2"; shift 2;;
    --keep) keep=1; shift;;
    *) echo "usage: scripts/cluster-smoke.sh [--scaling] [--proxies N] [--requests M] [--keep]" >&2; exit 2;;
  esac
done
ippipe_build_if_missing
work="$IPPIPE_HOME/out/cluster-smoke"
rm -rf "$work"; mkdir -p "$work"
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # Executors and cluster-mode drivers are children of the workers; make sure none outlives us.
  pkill -f "$work/spark-home" 2>/dev/null || true
  wait 2>/dev/null || true
  if [[ $rc -ne 0 ]]; then
    echo "cluster-smoke FAILED (exit $rc); logs under $work" >&2
    tail -n 30 "$work"/*.log 2>/dev/null | sed 's/^/  /' >&2 || true
  elif [[ $keep == 0 ]]; then
    rm -rf "$work/spark-home" "$work"/worker*
  fi
  exit $rc
}
trap cleanup EXIT

echo "== SPARK_HOME from the Maven classpath (no Spark download)"
sh="$work/spark-home"
mkdir -p "$sh/jars" "$sh/bin" "$sh/conf"
tr ':' '\n' < "$SPARK_CP_FILE" | while read -r jar || [[ -n "$jar" ]]; do
  [[ "$jar" == *.jar && -f "$jar" ]] && ln -sf "$jar" "$sh/jars/$(basename "$jar")"
done
# Daemons and executors log at DEBUG into the workers' directories, so that the secret scan
# below reads everything Spark could say; drivers keep ippipe's quiet console configuration,
# except the client-mode run, whose driver logs at DEBUG too.
cat > "$sh/conf/log4j2.properties" <<'EOF2'
rootLogger.level = debug
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
# Parquet at DEBUG prints every value it writes (plaintext addresses): pinned at INFO, as in
# every configuration ippipe ships (docs/security.md).
logger.parquet.name = org.apache.parquet
logger.parquet.level = info
EOF2
# The scaling benchmark times the run: INFO, as an operator's cluster logs.
[[ $scaling == 1 ]] && sed -i 's/^rootLogger.level = debug/rootLogger.level = info/' "$sh/conf/log4j2.properties"
quiet="-Dlog4j2.configurationFile=$IPPIPE_HOME/conf/log4j2.properties"
# spark-submit is SparkSubmit itself; the launcher JVM is the driver in client mode.
cat > "$sh/bin/spark-submit" <<EOF
#!/usr/bin/env bash
exec java -Xmx2g -Dlog4j2.configurationFile=\${DRIVER_LOG4J:-$IPPIPE_HOME/conf/log4j2.properties} ${JAVA17_OPENS[*]} -cp "$sh/conf:$sh/jars/*" org.apache.spark.deploy.SparkSubmit "\$@"
EOF
chmod +x "$sh/bin/spark-submit"
echo "   $(ls "$sh/jars" | wc -l) jars"
export SPARK_HOME="$sh" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1 SPARK_CONF_DIR="$sh/conf"

echo "== master and two workers on 127.0.0.1"
mport=$(ippipe_free_port)
master="spark://127.0.0.1:$mport"
java -Xmx256m "${JAVA17_OPENS[@]}" -cp "$sh/conf:$sh/jars/*" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$mport" --webui-port "$(ippipe_free_port)" > "$work/master.log" 2>&1 &
pids+=($!)
ippipe_wait_for "$work/master.log" "I have been elected leader" 1 60
worker_cores=$(( scaling == 1 ? 1 : 2 ))
for w in 1 2; do
  mkdir -p "$work/worker$w"
  java -Xmx256m "${JAVA17_OPENS[@]}" -cp "$sh/conf:$sh/jars/*" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores "$worker_cores" --memory 3g --webui-port "$(ippipe_free_port)" --work-dir "$work/worker$w" \
    "$master" > "$work/worker$w.log" 2>&1 &
  pids+=($!)
done
ippipe_wait_for "$work/master.log" "Registering worker" 2 60
# Every listening socket of the cluster's JVMs is on loopback.
if ss -ltnp 2>/dev/null | grep -E "pid=($(IFS='|'; echo "${pids[*]}"))," | grep -v -E "127\.0\.0\.1:|\[::ffff:127\.0\.0\.1\]:" ; then
  echo "cluster-smoke: a cluster port is bound beyond loopback" >&2; exit 1
fi
echo "   $master, 2 workers x $worker_cores cores x 3 GiB; every port on loopback"

echo "== input: $proxies proxies, $requests log lines, a 0600 key file"
"$here/ippipe" generate --date "$date" --proxies "$proxies" --requests "$requests" \
  --inventory-format url --log-format squid --out "$work/input" > "$work/generate.log" 2>&1
"$here/ippipe" keygen --scheme master --out "$work/keys/smoke.key" > /dev/null
conf=(--conf "crypto.keys=smoke=file:$work/keys/smoke.key" --key-id smoke
      --conf "output.rows_per_file=4000")
if ippipe_geo_index; then
  conf+=(--conf "geo.index=$GEO_INDEX")
else
  echo "   (no geo data and no npm: geo off)"
  conf+=(--conf "geo.sources=")
fi
stages="ingest, score, publish"
run_args() {  # lake
  echo run --date "$date" --out "$1" --inventory "$work/input/inventory" --requests "$work/input/requests"
}
cluster_opts=(--master "$master" --executor-memory 1g --executor-cores 1 --total-executor-cores 2
  --conf spark.ui.enabled=false --conf spark.sql.shuffle.partitions=4
  --conf "spark.driver.extraJavaOptions=$quiet ${JAVA17_OPENS[*]}")

if [[ $scaling == 1 ]]; then
  # Every task of one run on one core, then on two: the cluster's speedup. The driver is a third
  # JVM on the same two cores (it plans and commits; docs/performance.md says how much).
  declare -A took
  for n in 1 2; do
    echo "== scaling: $n executor(s) of one core ($requests log lines)"
    rm -rf "$work/scale$n"; mkdir -p "$work/scale$n-events"
    t0=$(date +%s.%N)
    "$here/submit.sh" $(run_args "$work/scale$n") "${conf[@]}" -- --master "$master" \
      --executor-memory 2g --executor-cores 1 --total-executor-cores "$n" --driver-memory 2g \
      --conf spark.ui.enabled=false --conf "spark.driver.extraJavaOptions=$quiet ${JAVA17_OPENS[*]}" \
      --conf spark.eventLog.enabled=true --conf "spark.eventLog.dir=file://$work/scale$n-events" \
      --deploy-mode client > "$work/scale$n.log" 2>&1
    took[$n]=$(python3 -c "print(round($(date +%s.%N) - $t0, 1))")
    grep -E "^   (ingest|score|publish) " "$work/scale$n.log" | sed 's/^/  /' || true
    echo "   $n executor(s): ${took[$n]} s"
  done
  echo "   speedup, two one-core executors against one: $(python3 -c "print(round(${took[1]} / ${took[2]}, 2))")x"
  echo "== broadcast reads per executor (the geo index and the key material: once each, never per task)"
  for f in "$work"/worker*/app-*/*/stderr; do
    python3 - "$f" <<'PY'
import re, sys
took = [int(m.group(2)) for m in re.finditer(r"Reading broadcast variable (\d+) took (\d+) ms", open(sys.argv[1], errors="replace").read())]
tasks = len(re.findall(r"Running task", open(sys.argv[1], errors="replace").read()))
app = sys.argv[1].split("/")[-3:-1]
print(f"   executor {'/'.join(app)}: {tasks} tasks, {len(took)} broadcast reads, the slowest {max(took, default=0)} ms, {sum(took)} ms in all")
PY
  done
  "$here/ippipe" compare --date "$date" "$work/scale1" "$work/scale2" | tail -3 | sed 's/^/   /'
  exit 0
fi

t0=$(date +%s)
echo "== 1. reference: local[2] ($stages)"
"$here/ippipe" $(run_args "$work/local") "${conf[@]}" --master 'local[2]' > "$work/local.log" 2>&1
echo "   $(( $(date +%s) - t0 )) s"

t0=$(date +%s)
echo "== 2. spark-submit --deploy-mode client, logging at DEBUG everywhere; the first attempt of every"
echo "   other write task fails, and one executor is killed in the middle of a stage"
# Uncompressed Parquet, so that the byte scan below sees every value; the event log, which holds
# what the Spark UI would show (the environment tab included).
mkdir -p "$work/eventlog"
# The fault is armed by FaultyCli from the jobs test jar (a later --class wins over submit.sh's),
# not by a setting production could carry.
tests_jar=$(ls "$IPPIPE_HOME"/jobs/target/ippipe-jobs-*-tests.jar 2>/dev/null | head -1)
[[ -f "$tests_jar" ]] || { echo "cluster-smoke: no jobs test jar; run mvn -DskipTests package" >&2; exit 1; }
DRIVER_LOG4J="$sh/conf/log4j2.properties" "$here/submit.sh" $(run_args "$work/client") "${conf[@]}" \
  -- "${cluster_opts[@]}" --deploy-mode client --conf spark.sql.parquet.compression.codec=uncompressed \
  --conf spark.eventLog.enabled=true --conf "spark.eventLog.dir=file://$work/eventlog" \
  --class io.ippipe.jobs.FaultyCli --jars "$tests_jar" > "$work/client.log" 2>&1 &
run_pid=$!
# Kill during ingest, the one pass over the day, once its tasks are running: the pass's counts
# and side files must come from the attempts that were committed, not the lost ones.
ippipe_wait_for "$work/client.log" "== ingest" 1 300
sleep 3
victim=$(pgrep -f "$work/spark-home.*CoarseGrainedExecutorBackend" | head -1 || true)
[[ -n "$victim" ]] || { echo "cluster-smoke: no executor to kill" >&2; exit 1; }
kill -9 "$victim"
echo "   killed executor pid $victim during ingest"
wait "$run_pid"
injected=$(grep -c "injected failure" "$work/client.log" || true)
[[ $injected -gt 0 ]] || { echo "cluster-smoke: no injected task failure was reported" >&2; exit 1; }
lost=$(grep -c -E "Lost executor|ExecutorLost|executor lost|Executor lost" "$work/client.log" || true)
echo "   $injected log lines of injected first-attempt failures, $lost of the lost executor; all retried"
echo "   secret scan: $(du -sh "$work" | cut -f1) of logs and lakes"
# What must appear nowhere: the key (hex and Base64), the inventory's proxy passwords, and, in
# the lake and the logs, the plaintext client addresses.
secrets="$work/secrets.txt"
{
  tr -d '\n' < "$work/keys/smoke.key"; echo
  tr -d '\n' < "$work/keys/smoke.key" | tr 'a-f' 'A-F'; echo
  tr -d '\n' < "$work/keys/smoke.key" | xxd -r -p | base64; echo
  cat "$work"/input/inventory/* | grep -a -o '://[^:/@]*:[^@/]*@' | sed 's|^://[^:]*:||; s|@$||' | sort -u | awk 'length($0) >= 6'
} | grep -v '^$' > "$secrets"
echo "   $(wc -l < "$secrets") secrets: the key in 3 forms and $(( $(wc -l < "$secrets") - 3 )) proxy passwords"
if grep -r -a -l -F -f "$secrets" "$work"/*.log "$work"/worker* "$work/eventlog" "$work/client" "$work/local" 2>/dev/null; then
  echo "cluster-smoke: a secret appears in the files above" >&2; exit 1
fi
# The client addresses of the input logs (Squid native: the third field), well-formed IPv4 ones.
cat "$work"/input/requests/* | awk '{print $3}' | grep -a -E '^[0-9]{1,3}(\.[0-9]{1,3}){3}$' \
  | sort -u > "$work/client-ips.txt" || true
[[ -s "$work/client-ips.txt" ]] || { echo "cluster-smoke: no client addresses to look for" >&2; exit 1; }
if grep -r -a -l -w -F -f "$work/client-ips.txt" "$work/client" "$work"/*.log "$work"/worker* "$work/eventlog" 2>/dev/null; then
  echo "cluster-smoke: a plaintext client address appears in the lake or a log" >&2; exit 1
fi
echo "   none of them in any driver, executor, worker or master log, the event log, or any output, reject or metric file;"
echo "   none of the $(wc -l < "$work/client-ips.txt") client addresses anywhere in the lake (staging included) or any log"
echo "   $(( $(date +%s) - t0 )) s"

t0=$(date +%s)
echo "== 3. spark-submit --deploy-mode cluster (the driver runs on a worker)"
"$here/submit.sh" $(run_args "$work/cluster") "${conf[@]}" -- "${cluster_opts[@]}" --deploy-mode cluster \
  --conf spark.standalone.submit.waitAppCompletion=true --driver-memory 1g > "$work/cluster.log" 2>&1
driver_out=$(ls "$work"/worker*/driver-*/stdout 2>/dev/null | head -1)
grep -q "pool" "$driver_out" 2>/dev/null || grep -q "ingest" "$driver_out" \
  || { echo "cluster-smoke: no driver output from cluster mode" >&2; exit 1; }
echo "   $(( $(date +%s) - t0 )) s"

t0=$(date +%s)
echo "== 4. a local run killed (kill -9) while score writes, then rerun"
cp -r "$work/local" "$work/interrupted"
live_before=$(cat "$work/interrupted/live/CURRENT")
"$here/ippipe" $(run_args "$work/interrupted") "${conf[@]}" --master 'local[2]' --from score \
  > "$work/interrupted.log" 2>&1 &
run_pid=$!
ippipe_wait_for "$work/interrupted.log" "== score" 1 300
# Killed as soon as score's write has begun in its staging directory: a fixed sleep after the
# stage's start let a fast machine finish score first (6.1 s against a 6 s sleep).
staging="$work/interrupted/_staging/dt=$date/score"
writing=0
for _ in $(seq 1 3000); do
  [[ -n "$(find "$staging" \( -name _temporary -o -name 'part-*' \) -print -quit 2>/dev/null)" ]] \
    && { writing=1; break; }
  kill -0 "$run_pid" 2>/dev/null || break
  sleep 0.1
done
kill -9 "$run_pid" 2>/dev/null || true
[[ $writing == 1 ]] || { echo "cluster-smoke: score's write never showed in $staging" >&2; exit 1; }
wait "$run_pid" 2>/dev/null || true
[[ -f "$work/interrupted/_runs/dt=$date/score.json" ]] \
  && { echo "cluster-smoke: score is marked done after a kill in the middle of it" >&2; exit 1; }
[[ "$(cat "$work/interrupted/live/CURRENT")" == "$live_before" ]] \
  || { echo "cluster-smoke: the live pool changed although the run died before publish" >&2; exit 1; }
echo "   killed during score's write: no score marker, the live pool still $live_before"
"$here/ippipe" $(run_args "$work/interrupted") "${conf[@]}" --master 'local[2]' > "$work/rerun.log" 2>&1
grep -E "== (ingest|probe|score|publish)" "$work/rerun.log" | sed 's/^/   rerun: /'
[[ "$(cat "$work/interrupted/live/CURRENT")" == "$live_before" ]] \
  || { echo "cluster-smoke: the rerun published a different pool version" >&2; exit 1; }
echo "   $(( $(date +%s) - t0 )) s"

echo "== 5. every lake against the reference, table by table, row for row"
"$here/ippipe" compare --date "$date" "$work/local" "$work/client" "$work/cluster" "$work/interrupted" \
  | tee "$work/compare.txt" | sed 's/^/   /'

echo "cluster-smoke: passed (the client-mode run with failures and a killed executor, the cluster-mode run and the interrupted-then-rerun run equal the local[2] run, table by table; no secret in any log or output)"
