#!/usr/bin/env bash
# Checks what scripts/ippipe starts: the JVM's collector is the parallel one (scripts/lib.sh,
# ippipe_gc_opts), and a collector the operator names in IPPIPE_JAVA_OPTS replaces it instead of
# making the JVM refuse to start ("Multiple garbage collectors selected"). CI runs it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fail=0

# The collector the JVM of `scripts/ippipe --version` says it uses (its gc log, on stderr).
collector() {  # IPPIPE_JAVA_OPTS
  local out
  if ! out=$(IPPIPE_JAVA_OPTS="$1 -Xlog:gc:stderr" "$here/ippipe" --version 2>&1); then
    echo "check-launcher: scripts/ippipe --version failed with IPPIPE_JAVA_OPTS='$1':" >&2
    echo "$out" >&2
    return 1
  fi
  sed -n 's/.*\[gc\] *Using \(.*\)$/\1/p' <<< "$out" | head -1
}

expect() {  # description, IPPIPE_JAVA_OPTS, expected collector
  local got
  got=$(collector "$2") || { fail=1; return 0; }
  if [[ "$got" == "$3" ]]; then
    echo "   ok: $1: $got"
  else
    echo "check-launcher: $1: expected the $3 collector, the JVM used '${got:-none it named}'" >&2
    fail=1
  fi
}

echo "== launcher: the JVM's collector"
expect "by default" "" "Parallel"
expect "the operator's G1 in IPPIPE_JAVA_OPTS" "-XX:+UseG1GC" "G1"
expect "the operator's serial collector in IPPIPE_JAVA_OPTS" "-XX:+UseSerialGC" "Serial"
exit $fail
