#!/usr/bin/env bash
# Checks how the JVM that scripts/ippipe starts keeps its heap (scripts/lib.sh,
# ippipe_memory_opts): the parallel collector, on transparent huge pages where the kernel offers
# them; and that the operator's own choice replaces either instead of making the JVM refuse to
# start ("Multiple garbage collectors selected"). Options the JVM reads from its environment
# (JAVA_TOOL_OPTIONS) come before the launcher's, so only lib.sh's check keeps those from losing
# to it or clashing with it. And when the JVM's optimising compiler (C2) takes a method
# (ippipe_jit_opts): later than the JVM's default, unless the operator says when. CI runs this.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"
fail=0

# The output of `scripts/ippipe --version` with IPPIPE_JAVA_OPTS="OPTS SHOW" (SHOW: what the
# JVM should print), run in an environment without the JVM's own option variables, but for
# those given.
launch() {  # IPPIPE_JAVA_OPTS SHOW [VAR=VALUE ...]
  local opts="$1" show="$2" out
  shift 2
  if ! out=$(env -u JAVA_TOOL_OPTIONS -u JDK_JAVA_OPTIONS -u _JAVA_OPTIONS "$@" \
      IPPIPE_JAVA_OPTS="$opts $show" "$here/ippipe" --version 2>&1); then
    echo "check-launcher: scripts/ippipe --version failed with IPPIPE_JAVA_OPTS='$opts' $*:" >&2
    echo "$out" >&2
    return 1
  fi
  echo "$out"
}

# What that JVM logs of its heap: "collector | pages".
heap() {  # IPPIPE_JAVA_OPTS [VAR=VALUE ...]
  local out
  out=$(launch "$1" "-Xlog:gc,gc+init:stderr" "${@:2}") || return 1
  echo "$(sed -n 's/.*\[gc\] *Using \(.*\)$/\1/p' <<< "$out" | head -1) | $(
    sed -n 's/.*Large Page Support: \(.*\)$/\1/p' <<< "$out" | head -1)"
}

expect() {  # description, expected "collector | pages", IPPIPE_JAVA_OPTS [VAR=VALUE ...]
  local what="$1" want="$2" got
  shift 2
  got=$(heap "$@") || { fail=1; return 0; }
  if [[ "$got" == "$want" ]]; then
    echo "   ok: $what: $got"
  else
    echo "check-launcher: $what: expected '$want', the JVM logged '$got'" >&2
    fail=1
  fi
}

thp=/sys/kernel/mm/transparent_hugepage/enabled
pages="Disabled"
if ippipe_thp_offered; then
  pages="Enabled (Transparent)"
else
  echo "   (this kernel offers no transparent huge pages on request: the pages are not tested here)"
fi
echo "== launcher: the JVM's collector | large pages (the kernel: $(cat $thp 2>/dev/null || echo no THP))"
expect "by default" "Parallel | $pages" ""
expect "a tuning flag that names no collector" "Parallel | $pages" "-XX:+UseGCOverheadLimit"
expect "the operator's G1" "G1 | $pages" "-XX:+UseG1GC"
expect "the operator's serial collector" "Serial | $pages" "-XX:+UseSerialGC"
expect "the operator's small pages" "Parallel | Disabled" "-XX:-UseTransparentHugePages"
expect "G1 in JAVA_TOOL_OPTIONS" "G1 | $pages" "" JAVA_TOOL_OPTIONS=-XX:+UseG1GC
expect "small pages in JAVA_TOOL_OPTIONS" "Parallel | Disabled" "" \
  JAVA_TOOL_OPTIONS=-XX:-UseTransparentHugePages

# The value that JVM runs with for one of its -XX flags.
flag() {  # FLAG IPPIPE_JAVA_OPTS [VAR=VALUE ...]
  local name="$1" out
  out=$(launch "$2" "-XX:+PrintFlagsFinal" "${@:3}") || return 1
  awk -v f="$name" '$2 == f { print $4; exit }' <<< "$out"
}

expect_flag() {  # description, flag, expected value, IPPIPE_JAVA_OPTS [VAR=VALUE ...]
  local what="$1" name="$2" want="$3" got
  shift 3
  got=$(flag "$name" "$@") || { fail=1; return 0; }
  if [[ "$got" == "$want" ]]; then
    echo "   ok: $what: $name=$got"
  else
    echo "check-launcher: $what: expected $name=$want, the JVM ran with '$got'" >&2
    fail=1
  fi
}

echo "== launcher: when C2 takes a method"
expect_flag "by default" Tier4InvocationThreshold 50000 ""
expect_flag "by default" Tier4BackEdgeThreshold 400000 ""
expect_flag "the operator's threshold" Tier4InvocationThreshold 7000 \
  "-XX:Tier4InvocationThreshold=7000"
expect_flag "the operator's threshold in JAVA_TOOL_OPTIONS" Tier4InvocationThreshold 7000 "" \
  JAVA_TOOL_OPTIONS=-XX:Tier4InvocationThreshold=7000
expect_flag "the operator's threshold in JAVA_TOOL_OPTIONS leaves the others" \
  Tier4BackEdgeThreshold 40000 "" JAVA_TOOL_OPTIONS=-XX:Tier4InvocationThreshold=7000
exit $fail
