/**
 * The service images' HEALTHCHECK: `GET /health` of the service in the current folder, on the port
 * that service computes from the same environment (its own `src/env.ts`), so the image never
 * repeats a port. Exits 0 when it answers 2xx, 1 otherwise. The path defaults to `/health`
 * (liveness); compose passes `/ready` so that `depends_on: service_healthy` waits for readiness.
 *
 *   HEALTHCHECK CMD ["bun", "/app/packages/http/src/healthcheck.ts"]
 */
import process from 'node:process'

const path = process.argv[2] ?? '/health'
const { env } = (await import(`${process.cwd()}/src/env.ts`)) as { env: { PORT: number } }
const response = await fetch(`http://127.0.0.1:${env.PORT}${path}`, {
  signal: AbortSignal.timeout(2_000),
}).catch(() => undefined)
process.exit(response?.ok ? 0 : 1)
