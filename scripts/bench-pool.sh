#!/usr/bin/env bash
# The pool against ground truth over simulated days (issue 19; docs/score.md, "Measuring the
# pool"): `ippipe eval` generates each day's inventory, logs and hidden truth, runs the day as
# `ippipe run` does (geo from data/geo when there, a demo key), and prints a table per day:
# ippipe's pool and the baselines at the same size. Never part of the tests.
#   scripts/bench-pool.sh [--days N] [--proxies N] [--requests M] [--out DIR] [--probes]
#                         [--keep-logs] [ippipe --conf ...]
# --probes runs the probe stage too, its checks answered from each day's truth.
# Each day's generated logs are deleted once the day has run (--keep-logs keeps them): at the
# defaults a day is 2.5 GB of logs and 0.5 GB of lake, so 14 days still need about 10 GB free.
# Defaults: 14 days, 200 000 proxies, 10 M log lines a day (the issue's targets); on a shared
# machine start small, e.g. --days 5 --proxies 5000 --requests 200000.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"
days=14; proxies=200000; requests=10000000; out="$IPPIPE_HOME/out/bench/pool"; extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --days) days="$2"; shift 2;; --proxies) proxies="$2"; shift 2;;
    --requests) requests="$2"; shift 2;; --out) out="$2"; shift 2;;
    *) extra+=("$1"); shift;;
  esac
done
mkdir -p "$out"; out="$(cd "$out" && pwd)"
# A fresh simulation each time: the lake's done markers would otherwise skip changed days.
rm -rf "$out/input" "$out/lake" "$out/eval"
key="$out/keys/eval.key"
[[ -f "$key" ]] || "$here/ippipe" keygen --scheme master --out "$key"
conf=(--conf "crypto.keys=eval=file:$key" --conf encrypt.key_id=eval)
if ippipe_geo_index; then
  conf+=(--conf "geo.index=$GEO_INDEX")
else
  echo "== geo off (no data/geo and no npm): proxies over the fallback /8s" >&2
  conf+=(--conf "geo.sources=")
fi
"$here/ippipe" eval --days "$days" --proxies "$proxies" --requests "$requests" --out "$out" \
  "${conf[@]}" ${extra[@]+"${extra[@]}"}
