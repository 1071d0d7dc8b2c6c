#!/usr/bin/env bash
# The test command (README, CI): the publish tests run a real redis-server on loopback ports of
# their own, so install the Debian package when it is missing; then run every test.
#   scripts/test.sh [extra mvn arguments]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v redis-server >/dev/null && [[ ! -x /usr/bin/redis-server ]]; then
  echo "test.sh: installing redis-server (Debian package) for the publish tests" >&2
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q redis-server
  # The package may start a system-wide server on 6379; the tests never use it.
  $sudo service redis-server stop >/dev/null 2>&1 || true
fi
exec mvn -B verify "$@"
