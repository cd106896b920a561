# syntax=docker/dockerfile:1
#
# One image pattern for every service (decision 0033). Built from the repository root:
#
#   docker build -f infra/docker/service.Dockerfile --build-arg SERVICE=pledge-service \
#     -t careforall/pledge-service:0.1.0 .
#   docker build -f infra/docker/service.Dockerfile --target setup -t careforall/setup:0.1.0 .
#
# Stages: `install` resolves only the chosen workspace's production dependencies from the frozen
# lockfile (`bun install --filter`; turbo prune with bun.lock has open frozen-lockfile bugs, see
# DESIGN.md); `service` (the default target) copies that workspace, the shared packages and the
# installed modules onto a clean Bun image and runs as the unprivileged `bun` user; `setup` is the
# one-shot step that creates the database, the schemas and the service roles (`bun run setup`),
# and also seeds demo data (`bun packages/devkit/src/seed.ts`); `admin` builds the admin panel
# for the gateway's image.
# infra/test/image.test.ts replays these steps without Docker: keep every RUN a plain shell command.

# The official Bun image, pinned to the version in package.json's packageManager.
ARG BUN_IMAGE=oven/bun:1.4.5-slim
ARG SERVICE

FROM ${BUN_IMAGE} AS install
WORKDIR /app
COPY . .
# The folder name under apps/, e.g. pledge-service; unset for the setup target, whose workspace
# is packages/devkit.
ARG SERVICE
# Only the production dependencies of that workspace and of the workspace packages it uses; the
# lockfile must match package.json exactly or the build fails (as in CI).
RUN workspace="apps/$SERVICE"; if [ -z "$SERVICE" ]; then workspace="packages/devkit"; fi; \
  test -f "$workspace/package.json" && bun install --frozen-lockfile --production --filter "./$workspace"

FROM ${BUN_IMAGE} AS setup
WORKDIR /app
ENV NODE_ENV=production DEV_START_SERVERS=false DEV_WATCH=false
COPY --from=install /app/package.json /app/bun.lock ./
COPY --from=install /app/node_modules ./node_modules
COPY --from=install /app/packages ./packages
USER bun
CMD ["bun", "packages/devkit/src/setup.ts"]

FROM ${BUN_IMAGE} AS admin
WORKDIR /app
COPY . .
ARG SERVICE
# The gateway serves the admin panel at /admin: its image carries the panel's static build (made
# with the panel's dev dependencies, which stay in this stage). Other services get an empty folder.
RUN if [ "$SERVICE" = "gateway-service" ]; then \
  bun install --frozen-lockfile --filter ./apps/admin && bun run --cwd apps/admin build --logLevel warn; \
  else mkdir -p apps/admin/dist; fi

FROM ${BUN_IMAGE} AS service
# It also names the service in logs, spans and metrics.
ARG SERVICE
WORKDIR /app
RUN test -n "$SERVICE" || { echo "build with --build-arg SERVICE=<folder under apps/>" >&2; exit 1; }
ENV NODE_ENV=production OTEL_SERVICE_NAME=${SERVICE}
COPY --from=install /app/package.json /app/bun.lock ./
COPY --from=install /app/node_modules ./node_modules
COPY --from=install /app/packages ./packages
COPY --from=install /app/apps/${SERVICE} ./apps/${SERVICE}
COPY --from=admin /app/apps/admin/dist ./apps/admin/dist
WORKDIR /app/apps/${SERVICE}
# Migrations are applied by the service itself at start; it writes nothing else to its filesystem.
USER bun
# Liveness only: /health answers while the process serves HTTP. Readiness (/ready: database,
# broker) is for the orchestrator's routing, not for restarting (see docs/operations.md).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bun", "/app/packages/http/src/healthcheck.ts"]
# The OpenTelemetry SDK is preloaded before the service's code, as `bun run dev` does. Bun is
# PID 1 and drains on SIGTERM itself (packages/http/src/serve.ts).
CMD ["bun", "--preload", "@careforall/otel/register", "src/index.ts"]
