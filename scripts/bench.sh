#!/usr/bin/env bash
# Benchmarks; never part of the tests. Quote medians and ratios: this machine is shared.
#   scripts/bench.sh jmh [JMH args]     the per-row kernels (IP parse), e.g. jmh -f 3
#   scripts/bench.sh validate [--rows N] [--proxies N]   generate, then time validate end to end
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"
what="${1:-jmh}"; shift || true
case "$what" in
  jmh)
    (cd "$IPPIPE_HOME" && mvn -B -q -DskipTests package -pl common,bench)
    java -jar "$IPPIPE_HOME/bench/target/ippipe-bench.jar" "$@"
    ;;
  validate)
    rows=10000000; proxies=200000
    while [[ $# -gt 0 ]]; do
      case "$1" in --rows) rows="$2"; shift 2;; --proxies) proxies="$2"; shift 2;; *) echo "unknown $1" >&2; exit 2;; esac
    done
    dir="$IPPIPE_HOME/out/bench"; rm -rf "$dir"
    "$here/ippipe" generate --date 2026-11-25 --proxies "$proxies" --requests "$rows" \
      --inventory-format parquet --log-format parquet --out "$dir/input"
    start=$(date +%s.%N)
    "$here/ippipe" validate --date 2026-11-25 --out "$dir/lake" \
      --inventory "$dir/input/inventory" --requests "$dir/input/requests"
    end=$(date +%s.%N)
    python3 -c "
w=$end-$start; r=$rows+$proxies; import os; c=os.cpu_count()
print(f'validate: {w:.1f} s wall, {r/w:,.0f} rows/s, {r/w/c:,.0f} rows/s/core ({c} cores)')"
    ;;
  *) echo "usage: scripts/bench.sh jmh|validate" >&2; exit 2;;
esac
