#!/usr/bin/env bash
# Runs the DuckDB examples of docs/tables.md against a lake (CI: the demo's), with DuckDB from
# npm (@duckdb/node-api, installed once into out/tools/duckdb, git-ignored).
#   scripts/check-duckdb-docs.sh LAKE_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lake="${1:?usage: scripts/check-duckdb-docs.sh LAKE_DIR}"
[[ -d "$lake" ]] || { echo "check-duckdb-docs: no lake at $lake" >&2; exit 2; }
command -v npm >/dev/null || { echo "check-duckdb-docs: npm is needed (apt-get install npm)" >&2; exit 2; }
tools="$here/../out/tools/duckdb"
if [[ ! -d "$tools/node_modules/@duckdb/node-api" ]]; then
  mkdir -p "$tools" && npm install --prefix "$tools" --no-audit --no-fund --silent @duckdb/node-api >&2
fi
# ES modules resolve packages from the script's own folder: run a copy inside the tools folder.
cp "$here/check-duckdb-docs.mjs" "$tools/"
exec node "$tools/check-duckdb-docs.mjs" "$here/../docs/tables.md" "$(cd "$lake" && pwd)"
