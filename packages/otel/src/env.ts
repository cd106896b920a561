import { readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { z } from 'zod'

const schema = z.object({
  OTEL_SERVICE_NAME: z.string().min(1).default(basename(process.cwd())),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  OTEL_SDK_DISABLED: z.stringbool().default(false),
  /** Set by `bun run`; a process started by `bun` itself (the images) reads its package.json. */
  npm_package_version: z.string().default(() => packageVersion() ?? '0.0.0'),
})

function packageVersion(): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as {
      version?: unknown
    }
    return typeof manifest.version === 'string' ? manifest.version : undefined
  } catch {
    return undefined
  }
}

/** Telemetry settings; the OTLP endpoint is optional (no endpoint, no export). */
export const otelEnv = schema.parse(process.env)

// Of the auto-instrumentations only amqplib is wanted: Bun.serve, fetch and postgres.js get nothing
// from the others, and `net` is noise. The auto-instrumentations package reads this variable.
process.env.OTEL_NODE_ENABLED_INSTRUMENTATIONS ??= 'amqplib'
