#!/usr/bin/env bash
# Contract test of the JSON API with schemathesis (`--checks all`): builds a store from the
# bundled evidence and the shared snapshots, serves it on a free loopback port, runs
# schemathesis against /openapi.json and stops the server. Not part of pytest: it takes minutes.
#
#   python -m venv /tmp/st && /tmp/st/bin/pip install schemathesis
#   SCHEMATHESIS=/tmp/st/bin/schemathesis tests/hostile/run_schemathesis.sh [-n 30] [--seed 1]
#
# schemathesis.toml (next to this script) says which answers are expected beyond the OpenAPI
# document and gives real IDs; docs/web.md ("Contract test") lists what the last run found.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
shared="$repo/../shared/data/ctgov"
work=$(mktemp -d)
# The server keeps what it built in the store as it stops: wait for it before removing the store.
trap 'kill "${server:-0}" 2>/dev/null && wait "$server"; rm -rf "$work"' EXIT
export CARTATLAS_DB="$work/store.duckdb"
cartatlas kb load >/dev/null 2>&1
cartatlas import "$shared/cart-oncology-2026-08-22.jsonl.gz" >/dev/null 2>&1
cartatlas import "$shared/cart-autoimmune-2026-08-22.jsonl.gz" >/dev/null 2>&1
port=$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cartatlas serve --port "$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do  # a fresh store builds its dashboard pages first
  curl -sf "http://127.0.0.1:$port/openapi.json" -o /dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; exit 2; }
  sleep 1
done
cd "$work"  # schemathesis keeps its replay files in the working directory
"${SCHEMATHESIS:-schemathesis}" --config-file "$repo/tests/hostile/schemathesis.toml" \
  run "http://127.0.0.1:$port/openapi.json" --checks all \
  --workers 2 --request-timeout 120 "${@:--n 30}"  # a shared 2-core machine can be slow
