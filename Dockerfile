# syntax=docker/dockerfile:1
# Multi-stage: build with dev dependencies, run with production ones only, as a non-root user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# onnxruntime-node's install script would download CUDA libraries; the CPU and WebGPU providers ship in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
COPY client/package.json client/
RUN npm ci
COPY tsconfig.json eslint.config.js ./
COPY client client
COPY src src
COPY scripts scripts
COPY loadtest loadtest
COPY test test
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production ONNXRUNTIME_NODE_INSTALL=skip PORT=8080
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY client/package.json client/
COPY --from=build /app/client/dist client/dist
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist dist
COPY models/voices models/voices
COPY models/lts models/lts
COPY public public
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM drains streams (SPEECHGATE_SHUTDOWN_GRACE_MS) before exiting.
CMD ["node", "dist/src/cli/main.js", "serve"]
