#!/usr/bin/env bash
# Official TypeScript MCP SDK against a running hub: bash .ci/ts-sdk-client/run.sh http://127.0.0.1:7424/mcp
# Installs the locked dependencies into this folder (skipped when they are already installed) and runs client.mjs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
url="${1:?usage: run.sh <mcp_url>}"

command -v node >/dev/null 2>&1 || { echo "ts-sdk-client: FAILED: node is not on PATH (need Node >= 18)"; exit 1; }
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 18 ] || { echo "ts-sdk-client: FAILED: Node $(node --version) is too old (the SDK needs >= 18)"; exit 1; }

# npm ci wipes and reinstalls node_modules; skip it when the installed SDK is already the locked one.
locked="$(cd "$here" && node -p "require('./package-lock.json').packages['node_modules/@modelcontextprotocol/sdk'].version")"
installed="$(cd "$here" && node -p "try { require('./node_modules/@modelcontextprotocol/sdk/package.json').version } catch { '' }")"
if [ "$locked" != "$installed" ] || [ ! -f "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || { echo "ts-sdk-client: FAILED: npm ci"; exit 1; }
fi

exec node "$here/client.mjs" "$url"
