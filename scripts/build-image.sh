#!/usr/bin/env bash
# The image's build, in place, in a copy of the source tree (the Docker build context, or the
# clean directory CI builds in): the store is already filled from the lockfile (`pnpm fetch
# --prod`), so this needs no network. Leaves the tree the runtime image copies as it is:
#   - no tests, benchmarks or docs, no dev dependencies;
#   - the workspace layout kept (apps/*/node_modules link to packages/*): Node strips types only
#     outside node_modules, so the TypeScript sources must stay where they are (no `pnpm deploy`);
#   - dist/workflow-bundle.js, the workflow bundle the worker loads (WORKFLOW_BUNDLE_PATH).
# Usage: bash scripts/build-image.sh   (refuses to run in a git checkout: it deletes files)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -e .git ]]; then
  echo "build-image.sh prunes the tree it runs in: run it in a copy (the Docker build does)" >&2
  exit 2
fi

# Workspace projects that never run in production; pnpm-workspace.yaml may still name them.
rm -rf test bench docs deploy/helm workflows/test
find apps packages workflows -type f \( -name '*.test.ts' -o -name '*.test.py' \) -delete
pnpm install --offline --frozen-lockfile --prod --config.confirmModulesPurge=false
node apps/worker/src/bundle-workflows-cli.ts dist/workflow-bundle.js
