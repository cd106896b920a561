import { roleUrl, withDatabase } from '@careforall/db'
import { ADMIN_DIR, adminBuildCommand, adminBuildIsStale, buildAdminPanel } from './admin-panel'
import { OutageCollapser } from './collapse'
import { DEFAULT_ADMIN_PASSWORD, devEnv, inheritedEnv } from './env'
import { createOutput, type Output } from './output'
import { SERVICES, type ServiceName, serviceDir } from './platform'
import { requireServers } from './preflight'
import { type ManagedProcess, startManaged } from './processes'
import { describeProgress, type Readiness, readinessOf } from './progress'
import { seedDemoData } from './seed'
import { configuredServers, type ServerName } from './servers'
import { setupDatabase } from './setup'

/** Under `bun --watch` a crash would leave the process waiting for a file change: see the file. */
const EXIT_ON_CRASH = new URL('./exit-on-crash.ts', import.meta.url).pathname

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

/** Polls every service's `/ready` and shows one progress line until all answer 200. */
async function waitForAll(output: Output): Promise<void> {
  const began = Date.now()
  let shown = ''
  let warned = false
  for (;;) {
    const states = await Promise.all(
      SERVICES.map(async (s) => [s.name, await readinessOf(urlOf(s.name))] as [string, Readiness]),
    )
    const text = describeProgress(states)
    if (states.every(([, r]) => r.state === 'ready')) break
    if (output.tty) output.status('progress', text)
    else if (text !== shown) output.line(text)
    shown = text
    if (!warned && Date.now() - began > 90_000) {
      warned = true
      output.line(`not ready after 90 s (${text}); they keep retrying: see their logs`)
    }
    await Bun.sleep(500)
  }
  output.status('progress', undefined)
  output.line(`all ${SERVICES.length} services ready in ${((Date.now() - began) / 1000).toFixed(1)} s`)
}

/** Whether a service has a server back: its `/ready` no longer names it. */
async function hasBack(service: string, server: ServerName): Promise<boolean> {
  const readiness = await readinessOf(urlOf(service as ServiceName), 1000)
  return readiness.state === 'ready' || (readiness.state === 'waiting' && !readiness.for.includes(server))
}

async function main(): Promise<void> {
  const output = createOutput()
  const color = output.tty
  await requireServers()
  await setupDatabase()
  output.line(`database ${devEnv.DATABASE_NAME}: schemas and roles ready`)
  const collapser = new OutageCollapser({
    servers: configuredServers(),
    line: output.line,
    status: output.status,
    tty: output.tty,
    isBack: hasBack,
  })
  collapser.start()
  const processes: ManagedProcess[] = SERVICES.map((service, index) =>
    startManaged({
      name: service.name,
      index,
      cwd: serviceDir(service.name),
      cmd: [
        process.execPath,
        '--preload',
        '@careforall/otel/register',
        ...(devEnv.DEV_WATCH ? ['--preload', EXIT_ON_CRASH, '--watch'] : []),
        'src/index.ts',
      ],
      env: serviceEnvironment(service.name, service.schema),
      raw: devEnv.DEV_RAW_LOGS,
      color,
      output,
      // Raw output is for machines and post-mortems: every line, as the service printed it.
      ...(devEnv.DEV_RAW_LOGS ? {} : { absorb: (name: string, line: string) => collapser.offer(name, line) }),
    }),
  )
  let stopping = false
  const stopAll = async (signal: string) => {
    if (stopping) return
    stopping = true
    collapser.stop()
    output.status('progress', undefined)
    output.line(`\n${signal}: stopping every service…`)
    await Promise.all(processes.map((p) => p.stop()))
    process.exit(0)
  }
  // The admin panel, served by the gateway at /admin: rebuilt on every change while watching,
  // otherwise built once (and only when its sources changed since the last build).
  let adminBuild: Promise<string>
  if (devEnv.DEV_WATCH) {
    processes.push(
      startManaged({
        name: 'admin',
        index: processes.length,
        cwd: ADMIN_DIR,
        cmd: adminBuildCommand('--watch'),
        env: inheritedEnv,
        raw: devEnv.DEV_RAW_LOGS,
        color,
        output,
      }),
    )
    adminBuild = Promise.resolve('rebuilt on every change (vite build --watch)')
  } else {
    adminBuild = adminBuildIsStale().then(async (stale) => {
      if (!stale) return 'up to date'
      const built = await buildAdminPanel()
      if (built.ok) return 'built'
      output.line(`admin panel: the build failed\n${built.output}`)
      return 'the build FAILED (see above)'
    })
  }
  process.on('SIGINT', () => void stopAll('SIGINT'))
  process.on('SIGTERM', () => void stopAll('SIGTERM'))

  await waitForAll(output)
  const admin = await adminBuild
  const demo = devEnv.DEV_SEED ? await seedDemoData(urlOf('gateway')) : 'not seeded (DEV_SEED=false)'
  const password =
    devEnv.ADMIN_PASSWORD === DEFAULT_ADMIN_PASSWORD ? devEnv.ADMIN_PASSWORD : '(the one in ADMIN_PASSWORD)'
  const row = (label: string, value: string) => `  ${label.padEnd(28)}${value}`
  output.line(
    [
      '',
      'Care For All is running:',
      row('gateway (the one base URL)', urlOf('gateway')),
      row('admin panel', `${urlOf('gateway')}/admin/  (${admin})`),
      row('API docs', `${urlOf('gateway')}/docs`),
      row('platform status', `${urlOf('gateway')}/api/status`),
      ...SERVICES.filter((s) => s.name !== 'gateway').map((s) =>
        row(`${s.name}-service`, `${urlOf(s.name)}  (/health /ready /docs /metrics)`),
      ),
      row('admin sign-in', `${devEnv.ADMIN_EMAIL} / ${password}  (the panel, or POST /api/auth/login)`),
      row('demo data', demo),
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  )
}

await main()
