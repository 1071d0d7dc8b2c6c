#!/usr/bin/env bash
# Renders a run report in headless Chromium and fails on a script error or a chart without bars.
#   scripts/check-report.sh LAKE/reports/dt=D/report.html
# Installs Debian's chromium when it is missing (as root, or with sudo).
set -euo pipefail
report="${1:?usage: scripts/check-report.sh REPORT.html}"
[[ -s "$report" ]] || { echo "check-report: $report is missing or empty" >&2; exit 1; }
browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null; then browser="$b"; break; fi
done
if [[ -z "$browser" ]]; then
  echo "check-report: installing chromium (Debian package)" >&2
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium >&2
  browser=chromium
fi
dom=$(mktemp); log=$(mktemp)
trap 'rm -f "$dom" "$log"' EXIT
# --dump-dom prints the document after its scripts ran; console errors go to the log.
timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --no-first-run --enable-logging=stderr --v=0 --virtual-time-budget=5000 \
  --dump-dom "file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")" >"$dom" 2>"$log" || {
    echo "check-report: $browser failed:" >&2; tail -20 "$log" >&2; exit 1; }
python3 - "$dom" "$log" <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
log = open(sys.argv[2], encoding="utf-8", errors="replace").read()
problems = []
if 'data-rendered="yes"' not in dom:
    problems.append("the report's script did not finish (body has no data-rendered)")
errors = re.search(r'<pre id="errors">(.*?)</pre>', dom, re.S)
if errors and errors.group(1).strip():
    problems.append("script errors: " + errors.group(1).strip())
for line in log.splitlines():
    if "Uncaught" in line or ("CONSOLE" in line and "error" in line.lower()):
        problems.append("console: " + line.strip())
charts = re.findall(r'<div class="chart" id="(chart-[a-z]+)">(.*?)</div>', dom, re.S)
if len(charts) != 5:
    problems.append(f"expected 5 charts, found {len(charts)}")
for name, body in charts:
    bars = body.count("<rect")
    if bars == 0:
        problems.append(f"{name} is empty")
    else:
        print(f"  {name}: {bars} bars")
if problems:
    print("check-report: FAILED\n  " + "\n  ".join(problems), file=sys.stderr)
    sys.exit(1)
print("check-report: the report renders with 5 charts and no script errors")
PY
