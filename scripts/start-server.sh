#!/usr/bin/env bash
# `npm start` (through scripts/with-node.sh): the reference server, examples/server, on dist/ built if stale.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build-if-stale.mjs
cd examples/server
# exec: SIGTERM / SIGINT reach the server itself, which shuts down gracefully.
exec node --import tsx src/main.ts
