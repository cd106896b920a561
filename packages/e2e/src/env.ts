import { z } from 'zod'

/** Knobs of the end-to-end suite; defaults are what `bun run test` runs. */
export const e2eEnv = z
  .object({
    /**
     * The broker fault of the chaos test: `vhost` (default) closes every connection into the test's
     * vhost and refuses new ones; `restart` stops and starts the whole RabbitMQ node, which also
     * disturbs every other test run sharing it, so only for a machine to itself.
     */
    CHAOS_BROKER: z.enum(['vhost', 'restart']).default('vhost'),
    CHAOS_PLEDGES: z.coerce.number().int().min(10).default(1000),
    /** A file the chaos test writes the platform's whole output to, for a post-mortem. */
    CHAOS_OUTPUT: z.string().optional(),
    /** Debian's Chromium, which the admin panel's browser tests drive with playwright-core. */
    CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
    /** Where the browser tests keep their screenshots (a CI artifact). */
    SCREENSHOT_DIR: z.string().optional(),
  })
  .parse(process.env)
