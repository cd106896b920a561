import { roleUrl, withDatabase } from '@careforall/db'
import { devEnv, inheritedEnv } from './env'
import { SERVICES, type ServiceName, serviceDir } from './platform'
import { type ManagedProcess, startManaged } from './processes'
import { seedDemoData } from './seed'
import { setupDatabase } from './setup'

const portOf = (name: ServiceName) => SERVICES.find((s) => s.name === name)!.port + devEnv.PORT_OFFSET
const urlOf = (name: ServiceName) => `http://127.0.0.1:${portOf(name)}`

/** The environment each service starts with: its port, its own role's URL, and its peers. */
function serviceEnvironment(
  name: ServiceName,
  schema: string | undefined,
): Record<string, string | undefined> {
  const adminUrl = withDatabase(devEnv.DATABASE_ADMIN_URL, devEnv.DATABASE_NAME)
  return {
    ...inheritedEnv,
    PORT: String(portOf(name)),
    OTEL_SERVICE_NAME: `${name}-service`,
    LOG_LEVEL: devEnv.LOG_LEVEL,
    RABBITMQ_URL: devEnv.RABBITMQ_URL,
    REDIS_URL: devEnv.REDIS_URL,
    REDIS_PREFIX: devEnv.REDIS_PREFIX,
    ...(schema ? { DATABASE_URL: roleUrl(adminUrl, schema, devEnv.SERVICE_DB_PASSWORD) } : {}),
    ...(name === 'auth' ? { ADMIN_EMAIL: devEnv.ADMIN_EMAIL, ADMIN_PASSWORD: devEnv.ADMIN_PASSWORD } : {}),
    AUTH_JWKS_URL: `${urlOf('auth')}/api/auth/.well-known/jwks.json`,
    ...(name === 'payment'
      ? {
          SANDBOX_DATABASE_URL: roleUrl(adminUrl, 'sandbox', devEnv.SERVICE_DB_PASSWORD),
          SANDBOX_WEBHOOK_URL: `${urlOf('gateway')}/api/payments/webhooks/sandbox`,
        }
      : {}),
    AUTH_SERVICE_URL: urlOf('auth'),
    CAMPAIGN_SERVICE_URL: urlOf('campaign'),
    PLEDGE_SERVICE_URL: urlOf('pledge'),
    PAYMENT_SERVICE_URL: urlOf('payment'),
    TOTALS_SERVICE_URL: urlOf('totals'),
    CHAT_SERVICE_URL: urlOf('chat'),
  }
}

async function isReady(name: ServiceName): Promise<boolean> {
  try {
    return (await fetch(`${urlOf(name)}/ready`, { signal: AbortSignal.timeout(2000) })).ok
  } catch {
    return false
  }
}

/** Waits until every service answers `/ready`; says which are late while it waits. */
async function waitForAll(timeoutMs: number): Promise<ServiceName[]> {
  const deadline = Date.now() + timeoutMs
  let pending: ServiceName[] = SERVICES.map((s) => s.name)
  while (pending.length > 0 && Date.now() < deadline) {
    const states = await Promise.all(pending.map(async (name) => [name, await isReady(name)] as const))
    pending = states.filter(([, ready]) => !ready).map(([name]) => name)
    if (pending.length > 0) await Bun.sleep(500)
  }
  return pending
}

async function main(): Promise<void> {
  const color = Boolean(process.stdout.isTTY)
  await setupDatabase()
  console.log(`database ${devEnv.DATABASE_NAME}: schemas and roles ready`)
  const processes: ManagedProcess[] = SERVICES.map((service, index) =>
    startManaged({
      name: service.name,
      index,
      cwd: serviceDir(service.name),
      cmd: [
        process.execPath,
        '--preload',
        '@careforall/otel/register',
        ...(devEnv.DEV_WATCH ? ['--watch'] : []),
        'src/index.ts',
      ],
      env: serviceEnvironment(service.name, service.schema),
      raw: devEnv.DEV_RAW_LOGS,
      color,
    }),
  )
  let stopping = false
  const stopAll = async (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`\n${signal}: stopping every service…`)
    await Promise.all(processes.map((p) => p.stop()))
    process.exit(0)
  }
  process.on('SIGINT', () => void stopAll('SIGINT'))
  process.on('SIGTERM', () => void stopAll('SIGTERM'))

  const late = await waitForAll(90_000)
  if (late.length > 0) {
    console.error(`not ready after 90 s: ${late.join(', ')} (they keep retrying; see their logs)`)
    return
  }
  if (devEnv.DEV_SEED) await seedDemoData(urlOf('gateway'))
  console.log(
    [
      '',
      'Care For All is running:',
      `  gateway (the one base URL)  ${urlOf('gateway')}`,
      `  API docs                    ${urlOf('gateway')}/docs`,
      `  platform status             ${urlOf('gateway')}/api/status`,
      ...SERVICES.filter((s) => s.name !== 'gateway').map(
        (s) => `  ${`${s.name}-service`.padEnd(28)}${urlOf(s.name)}  (/health /ready /docs /metrics)`,
      ),
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  )
}

await main()
