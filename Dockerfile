# syntax=docker/dockerfile:1.7
# Production image: build with the full toolchain, run with production dependencies only,
# as a non-root user.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

FROM node:22-bookworm-slim AS runtime
# A heap limit near the measured working set (peak heap in use ~120 MB through a 1,000,000-record
# BULK sync, BENCHMARKS.md scenario 6): without one V8 lets garbage pile up to several times that
# before collecting, and RSS follows. Raise it for unusually large pages or many subscribers.
ENV NODE_OPTIONS=--max-old-space-size=256 \
    NODE_ENV=production \
    PORT=4000 \
    JUNCTION_EMULATORS=none \
    JUNCTION_SEED=0 \
    JUNCTION_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The dashboard's static page is served from beside its compiled route.
COPY --from=build /app/src/experience/dashboard/public ./src/experience/dashboard/public
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
