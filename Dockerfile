# One image for api, worker, relay and audit (the command picks the process). Node 24 runs the
# TypeScript sources directly (type stripping), so there is no build step.
FROM node:24-slim AS deps
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH
RUN npm install --global pnpm@10.34.9
WORKDIR /app
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY apps/relay/package.json apps/relay/
COPY apps/audit/package.json apps/audit/
COPY apps/cli/package.json apps/cli/
COPY packages/config/package.json packages/config/
COPY packages/contracts/package.json packages/contracts/
COPY packages/db/package.json packages/db/
COPY packages/domain/package.json packages/domain/
COPY packages/api/package.json packages/api/
COPY packages/events/package.json packages/events/
COPY packages/providers/package.json packages/providers/
COPY packages/client/package.json packages/client/
COPY workflows/package.json workflows/
COPY bench/package.json bench/
COPY test/package.json test/
RUN pnpm install --frozen-lockfile --prod=false

FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app /app
COPY . .
USER node
CMD ["node", "apps/api/src/main.ts"]
