import { describe, expect, test } from 'bun:test'
import { existsSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { COMPOSE_SERVERS_ENV, SERVICES } from '@careforall/devkit'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'

// docker-compose.yml cannot run here (no Docker engine), so it is checked statically: against the
// Compose specification's JSON schema (as shipped by dclint), by Debian's `docker-compose config`
// (which resolves anchors, merges and interpolation the way Compose does), by dclint, by yamllint,
// and by the rules the platform needs: nothing stands in the way of `--scale`, every long-running
// service has a health check, every dependency waits for the right condition, every mounted file
// exists, every image is pinned, and the hostnames our configuration files use are services here.
const root = new URL('../..', import.meta.url).pathname
const COMPOSE = join(root, 'docker-compose.yml')
const bin = (name: string) => join(root, 'infra/node_modules/.bin', name)

interface Service {
  image?: string
  build?: { context: string; dockerfile?: string; target?: string; args?: Record<string, string> }
  container_name?: string
  hostname?: string
  ports?: string[]
  restart?: string
  healthcheck?: { test?: string[] | string; disable?: boolean }
  depends_on?: Record<string, { condition: string }>
  environment?: Record<string, string>
  volumes?: string[]
  command?: string[]
  entrypoint?: string[]
}

const text = await readFile(COMPOSE, 'utf8')
const raw = parse(text, { merge: true }) as Record<string, unknown>
const services = raw.services as Record<string, Service>

/** The seven services of apps/, each with the port devkit's platform table gives it. */
const PLATFORM: Record<string, string> = Object.fromEntries(
  SERVICES.map((service) => [`${service.name}-service`, String(service.port)]),
)
/** Run once and exit: they must not be restarted, and nothing may wait for them to be healthy. */
const ONE_SHOT = ['setup', 'seed', 'elasticsearch-setup']
/** The only services with host ports: the API's entry point and the operators' UIs (and OTLP in). */
const PUBLISHED = [
  'gateway-service',
  'postgres',
  'redis',
  'rabbitmq',
  'otel-collector',
  'jaeger',
  'prometheus',
  'alertmanager',
  'grafana',
  'kibana',
]
/** Images with no shell or probe binary inside; each says why in docker-compose.yml. */
const NO_HEALTHCHECK: Record<string, string> = {
  'otel-collector': 'distroless image: no shell, no wget',
}

/** The Compose specification's schema (draft-07; its `$schema` URL lacks the `#` Ajv keys it by). */
async function composeSchema() {
  const path = join(root, 'infra/node_modules/dclint/schemas/compose.schema.json')
  const { $schema: _, ...schema } = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>
  const ajv = new Ajv({ allErrors: true, strict: false })
  addFormats(ajv)
  return ajv.compile(schema)
}

/** The development default of a `${NAME:-default}` value. */
function fallback(value: string | undefined): string | undefined {
  return value?.match(/^\$\{[A-Z_]+:-(.+)\}$/)?.[1]
}

function run(cmd: string[]) {
  const proc = Bun.spawnSync(cmd, { cwd: root, stdout: 'pipe', stderr: 'pipe' })
  return { code: proc.exitCode, out: `${proc.stdout.toString()}${proc.stderr.toString()}` }
}

describe('docker-compose.yml', () => {
  test('is valid against the Compose specification schema', async () => {
    const validate = await composeSchema()
    const valid = validate(raw)
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`) ?? []).toEqual([])
    expect(valid).toBe(true)
  })

  test('the schema check fails a broken file (so it can fail)', async () => {
    const validate = await composeSchema()
    expect(validate({ services: { api: { image: 'x', restart: 'sometimes', ports: [{ bogus: 1 }] } } })).toBe(
      false,
    )
  })

  test('docker-compose config accepts it (Debian docker-compose: anchors, merges, interpolation)', () => {
    const result = run(['docker-compose', '-f', COMPOSE, 'config', '-q'])
    expect(result).toEqual({ code: 0, out: '' })
  })

  test('dclint reports nothing (.dclintrc turns off only the ordering rules and `name:`)', () => {
    const result = run([bin('dclint'), COMPOSE, '--max-warnings', '0'])
    expect(result.out.trim()).toBe('')
    expect(result.code).toBe(0)
  })

  test('yamllint', () => {
    const result = run([
      'yamllint',
      '--strict',
      '-c',
      join(root, 'infra/.yamllint.yml'),
      COMPOSE,
      join(root, 'infra/rabbitmq'),
    ])
    expect(result).toEqual({ code: 0, out: '' })
  })

  test('every service of apps/ is here, built from the one Dockerfile with its own name and port', () => {
    const apps = readdirSync(join(root, 'apps')).filter((name) => name.endsWith('-service'))
    expect(apps.sort()).toEqual(Object.keys(PLATFORM).sort())
    for (const [name, port] of Object.entries(PLATFORM)) {
      const service = services[name]
      expect({ name, build: service?.build }).toEqual({
        name,
        build: { context: '.', dockerfile: 'infra/docker/service.Dockerfile', args: { SERVICE: name } },
      })
      expect({ name, port: service?.environment?.PORT }).toEqual({ name, port })
      expect({ name, env: service?.environment?.NODE_ENV }).toEqual({ name, env: 'production' })
      expect({ name, otlp: service?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT }).toEqual({
        name,
        otlp: 'http://otel-collector:4318',
      })
    }
    expect(services.setup?.build?.target).toBe('setup')
  })

  test('--scale works: no container_name anywhere; behind the gateway, no host port and no hostname', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, container_name: service.container_name }).toEqual({ name, container_name: undefined })
      if (!PUBLISHED.includes(name))
        expect({ name, ports: service.ports }).toEqual({ name, ports: undefined })
    }
    for (const name of Object.keys(PLATFORM).filter((n) => n !== 'gateway-service')) {
      expect({ name, hostname: services[name]?.hostname }).toEqual({ name, hostname: undefined })
    }
  })

  test('published ports listen on localhost only', () => {
    for (const name of PUBLISHED) {
      for (const port of services[name]?.ports ?? [])
        expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:/) })
    }
  })

  test('every long-running service has a health check and a restart policy; one-shots run once', () => {
    for (const [name, service] of Object.entries(services)) {
      if (ONE_SHOT.includes(name)) {
        expect({ name, restart: service.restart }).toEqual({ name, restart: 'no' })
        continue
      }
      expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' })
      if (name in NO_HEALTHCHECK) {
        expect({ name, disabled: service.healthcheck?.disable }).toEqual({ name, disabled: true })
        expect(text).toContain('distroless') // the reason is written where the choice is
        continue
      }
      expect({ name, healthcheck: Array.isArray(service.healthcheck?.test) }).toEqual({
        name,
        healthcheck: true,
      })
    }
    // The platform's services are healthy when ready (database and broker), so depending on them works.
    for (const name of Object.keys(PLATFORM)) {
      expect(services[name]?.healthcheck?.test).toEqual([
        'CMD',
        'bun',
        '/app/packages/http/src/healthcheck.ts',
        '/ready',
      ])
    }
  })

  test('every dependency exists and waits for what that service can report', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = services[dependency]
        expect({ name, dependency, exists: target !== undefined }).toEqual({ name, dependency, exists: true })
        if (condition === 'service_completed_successfully')
          expect({ name, dependency, oneShot: ONE_SHOT.includes(dependency) }).toEqual({
            name,
            dependency,
            oneShot: true,
          })
        if (condition === 'service_healthy')
          expect({ name, dependency, checked: Array.isArray(target?.healthcheck?.test) }).toEqual({
            name,
            dependency,
            checked: true,
          })
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(condition)
      }
    }
    // Nothing by hand: the services wait for the setup step, Logstash for the index templates.
    for (const name of Object.keys(PLATFORM).filter((n) => n !== 'gateway-service'))
      expect(services[name]?.depends_on?.setup?.condition).toBe('service_completed_successfully')
    expect(services.logstash?.depends_on?.['elasticsearch-setup']?.condition).toBe(
      'service_completed_successfully',
    )
  })

  test('every image is pinned to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue
      expect({ name, image: service.image }).toEqual({
        name,
        image: expect.stringMatching(/:v?\d+\.\d+(\.\d+)?[\w.-]*$/),
      })
    }
  })

  test('every file or folder mounted from the repository exists', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] ?? ''
        if (!source.startsWith('./')) continue
        expect({ name, source, exists: existsSync(join(root, source)) }).toEqual({
          name,
          source,
          exists: true,
        })
      }
    }
  })

  test('the hosts our configuration files name are services of this file', async () => {
    const files = [
      'infra/prometheus/prometheus.yml',
      'infra/otel-collector/config.yaml',
      'infra/grafana/provisioning/datasources/datasources.yml',
      'infra/filebeat/filebeat.yml',
      'infra/logstash/pipeline/logs.conf',
      'infra/logstash/pipeline/events.conf',
      'infra/kibana/kibana.yml',
    ]
    for (const file of files) {
      const content = await readFile(join(root, file), 'utf8')
      const hosts = new Set(
        [...content.matchAll(/(?:https?:\/\/|['"\s[])([a-z][a-z-]+):\d{2,5}\b/g)]
          .map((m) => m[1] as string)
          .filter((host) => host !== 'localhost' && !content.includes(`${host}:\\`)),
      )
      expect(hosts.size).toBeGreaterThan(0)
      for (const host of hosts)
        expect({ file, host, service: host in services }).toEqual({ file, host, service: true })
    }
    // Prometheus discovers every replica of a scaled service by its compose DNS name.
    const prometheus = parse(await readFile(join(root, 'infra/prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; dns_sd_configs?: { names: string[]; port: number }[] }[]
    }
    for (const [name, port] of Object.entries(PLATFORM)) {
      const job = prometheus.scrape_configs.find((j) => j.job_name === name)
      expect({ name, sd: job?.dns_sd_configs?.[0] }).toEqual({
        name,
        sd: expect.objectContaining({ names: [name], port: Number(port) }),
      })
    }
  })

  test("the preflight's hint matches the servers' defaults here", () => {
    const hint = Object.fromEntries(
      COMPOSE_SERVERS_ENV.split(' ').map((pair) => pair.split('=', 2) as [string, string]),
    )
    expect(hint.DATABASE_ADMIN_URL).toBe(
      `postgres://postgres:${fallback(services.postgres?.environment?.POSTGRES_PASSWORD)}@127.0.0.1:5432/postgres`,
    )
    expect(hint.SERVICE_DB_PASSWORD).toBe(fallback(services.setup?.environment?.SERVICE_DB_PASSWORD))
    const rabbit = services.rabbitmq?.environment ?? {}
    expect(hint.RABBITMQ_URL).toBe(
      `amqp://${fallback(rabbit.RABBITMQ_DEFAULT_USER)}:${fallback(rabbit.RABBITMQ_DEFAULT_PASS)}@127.0.0.1:5672`,
    )
    expect(services.postgres?.ports?.[0]).toEndWith('5432}:5432')
  })

  test('secrets have development defaults that the services accept in production mode', () => {
    // NODE_ENV=production refuses the code's own development secrets; compose's defaults differ.
    const payment = services['payment-service']?.environment ?? {}
    const internal = fallback(services['auth-service']?.environment?.INTERNAL_SERVICE_SECRET)
    expect(internal).toBeString()
    expect(internal).not.toBe('dev-internal-secret-change-me')
    expect(fallback(payment.SANDBOX_API_KEY)).not.toBe('sk_sandbox_dev_change_me')
    expect(fallback(payment.SANDBOX_WEBHOOK_SECRET)).not.toBe('whsec_dev_sandbox_change_me')
    expect(text).not.toMatch(/env_file:/) // one mechanism: ${VAR:-default} from the environment or .env
  })
})
