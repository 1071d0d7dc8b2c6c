#!/usr/bin/env bash
# CI check of the Airflow DAG without Airflow: it compiles, and every command it would run is
# accepted by the CLI (run with --dry-run through scripts/ippipe, with a scratch lake and inbox).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="$(cd "$here/../.." && pwd)"
python3 -m py_compile "$here/ippipe_daily.py"
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/inbox/dt=2026-11-25/inventory" "$scratch/inbox/dt=2026-11-25/requests"
echo "1.2.3.4:8080" > "$scratch/inbox/dt=2026-11-25/inventory/list.txt"
: > "$scratch/inbox/dt=2026-11-25/requests/access.log"
# The same config with probe among the stages, as an operator running active checks has it.
sed 's/^run.stages = .*/run.stages = ingest, probe, score, publish/' "$home/conf/ippipe.conf" \
  > "$scratch/with-probe.conf"
: > "$scratch/geo.idx"
export IPPIPE_HOME="$home" IPPIPE_LAKE="$scratch/lake" IPPIPE_INBOX="$scratch/inbox" \
  IPPIPE_CONF_FILE="$home/conf/ippipe.conf" IPPIPE_GEO_INDEX="$scratch/geo.idx"
check() {  # expected-count: every command the DAG would run passes --dry-run
  local n=0
  while IFS= read -r line; do
    mapfile -t cmd < <(python3 -c 'import json,sys; print("\n".join(json.loads(sys.argv[1])))' "$line")
    # submit.sh and scripts/ippipe take the same job arguments; the config file is named relative
    # to the working directory, as --files places it on the cluster.
    (cd "$(dirname "$IPPIPE_CONF_FILE")" && "$home/scripts/ippipe" "${cmd[@]:1}" --dry-run) >/dev/null
    n=$((n + 1))
  done < <(python3 "$here/ippipe_daily.py" --print-commands 2026-11-25)
  [[ $n -eq $1 ]] || { echo "check-dag: expected $1 stage commands, got $n" >&2; exit 1; }
}
check 3
IPPIPE_CONF_FILE="$scratch/with-probe.conf" IPPIPE_PROBE_JUDGE=http://judge.example.net:8899/judge check 4
echo "check-dag: the DAG compiles and the CLI accepts all stage commands, with and without probe"
