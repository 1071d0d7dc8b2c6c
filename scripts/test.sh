#!/usr/bin/env bash
# The test command (README, CI). The tests run real servers on loopback ports of their own:
# redis-server (publish), tinyproxy and dante's danted (probe). Install the Debian packages
# that are missing, then run every test.
#   scripts/test.sh [extra mvn arguments]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
need=()
[[ -x /usr/bin/redis-server ]] || command -v redis-server >/dev/null || need+=(redis-server)
[[ -x /usr/bin/tinyproxy ]] || need+=(tinyproxy)
[[ -x /usr/sbin/danted ]] || need+=(dante-server)
command -v openssl >/dev/null || need+=(openssl)  # the Redis TLS test makes its CA and certificates
if [[ ${#need[@]} -gt 0 ]]; then
  echo "test.sh: installing ${need[*]} (Debian packages) for the publish and probe tests" >&2
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${need[@]}"
  # The packages may start system-wide servers (6379, 8888, 1080); the tests never use them.
  for service in redis-server tinyproxy danted; do
    $sudo service "$service" stop >/dev/null 2>&1 || true
  done
fi
exec mvn -B verify "$@"
