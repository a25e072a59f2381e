# syntax=docker/dockerfile:1
# One image for api, worker, relay and audit (the command picks the process). Node 24 runs the
# TypeScript sources directly (type stripping), so nothing is compiled; the worker's workflow
# bundle is built here, once. The build steps are scripts/build-image.sh, which CI runs the same
# way in a clean copy of the tree (test/image-build.int.test.ts): keep every build step in it.
ARG NODE_IMAGE=node:24.20.0-trixie-slim

FROM ${NODE_IMAGE} AS build
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
RUN npm install --global pnpm@10.34.9
WORKDIR /app
# The store is filled from the lockfile alone (no package.json files to list, so none can be
# missed), and this layer is rebuilt only when the lockfile changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch --prod
COPY . .
RUN bash scripts/build-image.sh

FROM ${NODE_IMAGE}
ENV NODE_ENV=production WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app
# Owned by root and read-only to the process: it runs as `node` (uid 1000) and writes nowhere here.
COPY --from=build /app /app
USER node
# The process's own probe: the api's PORT, or HEALTH_PORT for worker, relay and audit.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "scripts/healthcheck.ts"]
# SIGTERM starts each process's graceful shutdown (SHUTDOWN_GRACE_MS); node is PID 1 and handles it.
STOPSIGNAL SIGTERM
CMD ["node", "apps/api/src/main.ts"]
