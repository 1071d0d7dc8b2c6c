#!/usr/bin/env bash
# Writes the JVM class-data archive that scripts/ippipe maps (CDS_ARCHIVE in scripts/lib.sh): one
# `ippipe run` on a small generated day, in a JVM of its own, writes the classes it loaded as it
# exits (-XX:ArchiveClassesAtExit); the archive is checked whole, then moved in. Apart from any
# real run, so that writing it can never fail one. Run it once after a build (bench.sh and CI
# do); a new build makes it stale, and runs go without it until it is written again.
#   scripts/cds.sh        about a minute; prints the archive's path and size
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"
ippipe_build_if_missing
if ippipe_cds_fresh; then
  echo "cds: $CDS_ARCHIVE is up to date"
  exit 0
fi
work="$(mktemp -d)"
partial="$CDS_ARCHIVE.partial.$$"
trap 'rm -rf "$work" "$partial"' EXIT
date=2026-11-25
export IPPIPE_CDS=0
"$here/ippipe" generate --date "$date" --proxies 2000 --requests 20000 --out "$work/day" > /dev/null
"$here/ippipe" keygen --scheme master --out "$work/cds.key" > /dev/null
geo=(--conf "geo.sources=")
if ippipe_geo_index > /dev/null; then geo=(--conf "geo.index=$GEO_INDEX"); fi
# CRCs written with the archive, so that the check below can read every region.
cds_flags="-XX:+VerifySharedSpaces ${CDS_QUIET[*]}"
IPPIPE_JAVA_OPTS="-XX:ArchiveClassesAtExit=$partial $cds_flags" \
  "$here/ippipe" run --date "$date" --out "$work/lake" --inventory "$work/day/inventory" \
  --requests "$work/day/requests" --conf "crypto.keys=cds=file:$work/cds.key" --key-id cds \
  "${geo[@]}" > /dev/null
# A cut or damaged archive would crash every run that maps it: it must load whole here first.
# shellcheck disable=SC2086
if ! java -XX:SharedArchiveFile="$partial" -Xshare:on $cds_flags \
    -cp "$APP_JAR:$(cat "$SPARK_CP_FILE")" -version > /dev/null 2>&1; then
  echo "cds: the archive written does not load whole; runs go without it" >&2
  exit 1
fi
sync "$partial" 2> /dev/null || true
mv -f "$partial" "$CDS_ARCHIVE"
echo "cds: $CDS_ARCHIVE ($(du -m "$CDS_ARCHIVE" | cut -f1) MB)"
