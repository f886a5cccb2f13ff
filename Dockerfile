# Production image for the API and the worker (same image, different command).
# Node 26, the Active LTS line (Node 20 reached end of life in April 2026); the project also runs
# and is tested on Node 20.19+ and 24.22+ (docs/operations.md, "Runtime versions").
# better-sqlite3 12.x derives from node::ObjectWrap, whose header-only code gained environment
# cleanup hooks in Node 24.19 (nodejs/node#63642) before the runtime kept the list those need
# (#63985, in 24.22.0 and 26.4.0): on 24.19-24.21 a statement collected outside a JavaScript
# context aborts the process ("Assertion failed: (env) != nullptr" in RemoveEnvironmentCleanupHook).
FROM node:26-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:26-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NPM_CONFIG_UPDATE_NOTIFIER=false
# Code and models are owned by root and read-only to the app; only the data and model-store
# directories (SQLite file, uploaded artifacts; named volumes take this ownership) are writable.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/models ./models
COPY package.json ./
RUN mkdir -p /app/data /app/model-store && chown node:node /app/data /app/model-store
# The base image's unprivileged user (uid 1000).
USER node
EXPOSE 3000
# Readiness, not liveness: database reachable and the deployed models loaded. The worker image
# answers the same path on PORT (apps/worker/src/worker-http.ts).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The bundled app (scripts/bundle.ts): one module file instead of ~3 700, for a short boot.
CMD ["node", "dist/bundle/api.mjs"]
