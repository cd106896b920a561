/**
 * Preloaded into each service that `bun run dev` starts with `bun --watch`. Under `--watch`, an
 * uncaught exception or unhandled rejection does not end the process: Bun prints it and waits for
 * a file to change, so the service is dead while its process lives and the runner cannot restart
 * it. Without `--watch` (and in production) Bun exits with 1; this makes watch mode do the same.
 */
const crash = (kind: string) => (error: unknown) => {
  console.error(`${kind}:`, error)
  process.exit(1)
}
process.on('uncaughtException', crash('uncaught exception'))
process.on('unhandledRejection', crash('unhandled rejection'))
