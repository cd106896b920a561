// Login throughput at the chosen password cost (argon2id, 19 MiB, t=2, p=1), through the real
// auth service process: sequential (one verify at a time) and parallel (the 2 cores busy).
// Run: bun packages/bench/src/auth-login.ts
import { createTestResources } from '@careforall/db/testing'
import { spawnService, worldEnv } from '@careforall/devkit/testing'
import { summarize } from './stats'

const PASSWORD = 'correct horse battery staple'

async function timedLogins(url: string, email: string, concurrency: number, durationMs: number) {
  const latencies: number[] = []
  let failures = 0
  const deadline = performance.now() + durationMs
  const worker = async () => {
    while (performance.now() < deadline) {
      const started = performance.now()
      const res = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      })
      await res.arrayBuffer()
      if (res.status !== 200 && res.status !== 401) failures++
      latencies.push(performance.now() - started)
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  const seconds = (performance.now() - started) / 1000
  return { perSecond: latencies.length / seconds, latencies, failures }
}

const world = await createTestResources()
const auth = await spawnService('auth', {
  ...worldEnv(world, 'auth'),
  LOG_LEVEL: 'warn',
  LOGIN_LIMIT_PER_IP: '1000000',
  LOGIN_LIMIT_PER_ACCOUNT: '1000000',
  REGISTER_LIMIT_PER_IP: '1000000',
})
try {
  const email = `bench.${Date.now()}@example.com`
  await fetch(`${auth.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, name: 'Bench' }),
  })
  await timedLogins(auth.url, email, 2, 1000) // warm up
  console.log('auth login (argon2id m=19456 KiB, t=2, p=1) through the auth-service process')
  for (const [label, login, concurrency] of [
    ['sequential, known email', email, 1],
    ['parallel x4, known email', email, 4],
    ['parallel x4, unknown email (dummy verify)', `nobody.${Date.now()}@example.com`, 4],
  ] as const) {
    const { perSecond, latencies, failures } = await timedLogins(auth.url, login, concurrency, 5000)
    const s = summarize(latencies)
    console.log(
      `  ${label.padEnd(44)} ${perSecond.toFixed(1).padStart(6)} logins/s  p50 ${s.p50}  p99 ${s.p99}  errors ${failures}`,
    )
  }
} finally {
  await auth.stop()
  await world.cleanup()
}
