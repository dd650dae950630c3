#!/usr/bin/env bash
# `npm start` and `npm test` run through this: when the node on PATH is older than the project needs (22.12),
# it runs the command under a cached Node 24 (scripts/ensure-node.sh), saying so in one line.
set -euo pipefail
cd "$(dirname "$0")/.."
before="$(node --version 2>/dev/null || echo none)"
# shellcheck source=scripts/ensure-node.sh
source scripts/ensure-node.sh
after="$(node --version)"
if [ "$before" != "$after" ]; then
  echo "with-node: node $before is older than 22.12; running under node $after from $(dirname "$(command -v node)")" >&2
fi
exec "$@"
