// `bun run bench`: every benchmark, one after the other (they share this machine's two cores, so
// never at once), each printing its own figures. `bun run bench -- <name> [--option=value…]` runs
// one of them with its options.
const BENCHMARKS: Record<string, string> = {
  messaging: 'messaging.ts', // issue 3: commit → consumed latency at 500 events/s, saturation
  auth: 'auth-login.ts', // issue 4: login verifies per second at the chosen argon2id cost
  pledges: 'pledges.ts', // issue 6: pledges/s creation → CAPTURED, p50/p99, the slow stage
  totals: 'totals.ts', // issue 7: GET /api/totals through the gateway, SSE visibility
  db: 'db-cost.ts', // what a statement and a commit cost here, client and server (the pledges budget)
  chat: 'chat.ts', // issue 14: 1,000 sockets in one room through the gateway, broadcast latency, memory
}

const only = Bun.argv.slice(2).filter((arg) => !arg.startsWith('-'))
// Options (`--rate=50`) go to each chosen benchmark.
const options = Bun.argv.slice(2).filter((arg) => arg.startsWith('--'))
const chosen = only.length ? only : Object.keys(BENCHMARKS)
let failed = 0
for (const name of chosen) {
  const file = BENCHMARKS[name]
  if (!file) {
    console.error(`unknown benchmark ${name}; one of ${Object.keys(BENCHMARKS).join(', ')}`)
    process.exit(2)
  }
  console.log(`\n=== ${name} (${file})`)
  const proc = Bun.spawn([process.execPath, `${import.meta.dir}/${file}`, ...options], {
    stdout: 'inherit',
    stderr: 'inherit',
  })
  if ((await proc.exited) !== 0) failed++
}
process.exit(failed ? 1 : 0)
