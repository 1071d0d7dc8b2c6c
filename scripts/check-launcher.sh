#!/usr/bin/env bash
# Checks how the JVM that scripts/ippipe starts keeps its heap (scripts/lib.sh,
# ippipe_memory_opts): the parallel collector, on transparent huge pages where the kernel offers
# them; and that the operator's own choice in IPPIPE_JAVA_OPTS replaces either, instead of making
# the JVM refuse to start ("Multiple garbage collectors selected"). CI runs it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fail=0

# What the JVM of `scripts/ippipe --version` logs of its heap, on stderr: "collector | pages".
heap() {  # IPPIPE_JAVA_OPTS
  local out
  if ! out=$(IPPIPE_JAVA_OPTS="$1 -Xlog:gc,gc+init:stderr" "$here/ippipe" --version 2>&1); then
    echo "check-launcher: scripts/ippipe --version failed with IPPIPE_JAVA_OPTS='$1':" >&2
    echo "$out" >&2
    return 1
  fi
  echo "$(sed -n 's/.*\[gc\] *Using \(.*\)$/\1/p' <<< "$out" | head -1) | $(
    sed -n 's/.*Large Page Support: \(.*\)$/\1/p' <<< "$out" | head -1)"
}

expect() {  # description, IPPIPE_JAVA_OPTS, expected "collector | pages"
  local got
  got=$(heap "$2") || { fail=1; return 0; }
  if [[ "$got" == "$3" ]]; then
    echo "   ok: $1: $got"
  else
    echo "check-launcher: $1: expected '$3', the JVM logged '$got'" >&2
    fail=1
  fi
}

pages="Disabled"
thp=/sys/kernel/mm/transparent_hugepage/enabled
[[ -r $thp && "$(cat "$thp")" =~ \[(always|madvise)\] ]] && pages="Enabled (Transparent)"
echo "== launcher: the JVM's collector | large pages (the kernel: $(cat $thp 2>/dev/null || echo no THP))"
expect "by default" "" "Parallel | $pages"
expect "the operator's G1" "-XX:+UseG1GC" "G1 | $pages"
expect "the operator's serial collector" "-XX:+UseSerialGC" "Serial | $pages"
expect "the operator's small pages" "-XX:-UseTransparentHugePages" "Parallel | Disabled"
exit $fail
