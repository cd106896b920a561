// The Kubernetes manifests (infra/k8s) without a cluster: the base and the production overlay are
// rendered with `kubectl kustomize`, every object is validated against its Kubernetes JSON schema
// (kubernetes-models), then what a schema cannot say is asserted: each service has its probes,
// resources, hardening, Service, HPA, PDB and NetworkPolicy; every ConfigMap and Secret a pod
// reads exists in the render or is a documented external Secret; the database pools fit each
// role's connection limit; images are pinned to the workspaces' versions.
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SERVICES as PLATFORM_SERVICES } from '@careforall/devkit'
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment'
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet'
import {
  HorizontalPodAutoscaler,
  type IHorizontalPodAutoscaler,
} from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'
import { type IJob, Job } from 'kubernetes-models/batch/v1/Job'
import { type IIngress, Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress'
import { type INetworkPolicy, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'
import {
  type IPodDisruptionBudget,
  PodDisruptionBudget,
} from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap'
import type { IContainer } from 'kubernetes-models/v1/Container'
import { Namespace } from 'kubernetes-models/v1/Namespace'
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec'
import { type ISecret, Secret } from 'kubernetes-models/v1/Secret'
import { type IService, Service } from 'kubernetes-models/v1/Service'
import { parseAllDocuments } from 'yaml'

const INFRA = join(import.meta.dir, '..')
const REPO = join(INFRA, '..')
const K8S = join(INFRA, 'k8s')

/** Every kind the manifests may hold; anything else fails the schema test. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet, // known, so that the test saying there is none is the one to fail
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
}

/** Settings whose code default (127.0.0.1, a development secret) is wrong in a cluster. */
const EVERY_SERVICE = ['NODE_ENV', 'PORT', 'INTERNAL_SERVICE_SECRET', 'OTEL_EXPORTER_OTLP_ENDPOINT']
const DATA = ['DATABASE_URL', 'RABBITMQ_URL', 'REDIS_URL']
const UPSTREAMS = ['AUTH', 'CAMPAIGN', 'PLEDGE', 'PAYMENT', 'TOTALS', 'CHAT'].map((s) => `${s}_SERVICE_URL`)

interface Expected {
  port: number
  /** Who calls it (apps/*\/src: the *_SERVICE_URL, AUTH_JWKS_URL and SANDBOX_WEBHOOK_URL uses). */
  callers: string[]
  /** What it must be given (apps/<service>/src/env.ts). */
  env: string[]
  /** The PostgreSQL roles it connects as, and how many pools of DATABASE_POOL_MAX a pod opens. */
  roles: Record<string, number>
}

const INGRESS_CONTROLLER = 'namespace ingress-nginx, pods ingress-nginx'
const MONITORING = 'namespace monitoring'

/** A service's port, from devkit's platform table (the one `bun run dev` and compose use). */
function portOf(service: string): number {
  const entry = PLATFORM_SERVICES.find((s) => `${s.name}-service` === service)
  if (!entry) throw new Error(`${service} is not in packages/devkit/src/platform.ts`)
  return entry.port
}

const SERVICES: Record<string, Expected> = {
  'gateway-service': {
    port: portOf('gateway-service'),
    callers: [INGRESS_CONTROLLER, 'payment-service'],
    env: [...EVERY_SERVICE, ...UPSTREAMS, 'CORS_ORIGINS'],
    roles: {},
  },
  'auth-service': {
    port: portOf('auth-service'),
    callers: [
      'gateway-service',
      'campaign-service',
      'pledge-service',
      'payment-service',
      'totals-service',
      'chat-service',
    ],
    env: [...EVERY_SERVICE, ...DATA, 'PUBLIC_URL'],
    roles: { cfa_auth: 1 },
  },
  'campaign-service': {
    port: portOf('campaign-service'),
    callers: ['gateway-service', 'pledge-service', 'chat-service'],
    env: [...EVERY_SERVICE, ...DATA, 'AUTH_JWKS_URL', 'TOTALS_SERVICE_URL'],
    roles: { cfa_campaign: 1 },
  },
  'pledge-service': {
    port: portOf('pledge-service'),
    callers: ['gateway-service'],
    env: [
      ...EVERY_SERVICE,
      ...DATA,
      'AUTH_JWKS_URL',
      'CAMPAIGN_SERVICE_URL',
      'DONOR_KEY_SECRET',
      'RECEIPT_TOKEN_SECRET',
    ],
    roles: { cfa_pledge: 1 },
  },
  'payment-service': {
    port: portOf('payment-service'),
    callers: ['gateway-service', 'totals-service'],
    env: [
      ...EVERY_SERVICE,
      ...DATA,
      'AUTH_JWKS_URL',
      'SANDBOX_DATABASE_URL',
      'SANDBOX_API_KEY',
      'SANDBOX_WEBHOOK_SECRET',
      'SANDBOX_WEBHOOK_URL',
    ],
    // apps/payment-service/src/index.ts: its own pool is twice DATABASE_POOL_MAX.
    roles: { cfa_payment: 2, cfa_sandbox: 1 },
  },
  'totals-service': {
    port: portOf('totals-service'),
    callers: ['gateway-service', 'campaign-service'],
    env: [...EVERY_SERVICE, ...DATA, 'AUTH_JWKS_URL', 'PAYMENT_SERVICE_URL'],
    roles: { cfa_totals: 1 },
  },
  'chat-service': {
    port: portOf('chat-service'),
    callers: ['gateway-service'],
    env: [...EVERY_SERVICE, ...DATA, 'AUTH_JWKS_URL', 'AUTH_SERVICE_URL', 'CAMPAIGN_SERVICE_URL'],
    roles: { cfa_chat: 1 },
  },
}

/**
 * The Secrets production expects to exist, created outside the repository, with the keys the
 * pods read (infra/k8s/README.md, "Secrets", lists the same). The base holds placeholders of all
 * but careforall-tls, which cert-manager writes.
 */
const EXTERNAL_SECRETS: Record<string, string[]> = {
  'careforall-shared': ['INTERNAL_SERVICE_SECRET', 'RABBITMQ_URL'],
  'careforall-setup-secrets': ['DATABASE_ADMIN_URL', 'SERVICE_DB_PASSWORD'],
  'auth-service-secrets': ['DATABASE_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'],
  'campaign-service-secrets': ['DATABASE_URL'],
  'pledge-service-secrets': ['DATABASE_URL', 'DONOR_KEY_SECRET', 'RECEIPT_TOKEN_SECRET'],
  'payment-service-secrets': [
    'DATABASE_URL',
    'SANDBOX_DATABASE_URL',
    'SANDBOX_API_KEY',
    'SANDBOX_WEBHOOK_SECRET',
    'SANDBOX_WEBHOOK_SECRET_PREVIOUS',
  ],
  'totals-service-secrets': ['DATABASE_URL'],
  'chat-service-secrets': ['DATABASE_URL'],
  'careforall-tls': ['tls.crt', 'tls.key'],
}
const SECRET_KEYS = new Set(
  Object.entries(EXTERNAL_SECRETS).flatMap(([name, keys]) => (name === 'careforall-tls' ? [] : keys)),
)

/** Each cfa_* role's `connection limit` (packages/db/src/setup.ts, decision 0007). */
const ROLE_CONNECTION_LIMIT = Number(
  /connection limit (\d+)/.exec(readFileSync(join(REPO, 'packages/db/src/setup.ts'), 'utf8'))?.[1] ??
    Number.NaN,
)

const versionOf = (workspace: string) =>
  (JSON.parse(readFileSync(join(REPO, workspace, 'package.json'), 'utf8')) as { version: string }).version

// --- rendering --------------------------------------------------------------------------------

interface K8sObject {
  apiVersion: string
  kind: string
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }
}
interface Render {
  name: string
  objects: K8sObject[]
}

async function render(dir: string): Promise<Render> {
  let proc: ReturnType<typeof Bun.spawn<'ignore', 'pipe', 'pipe'>>
  try {
    proc = Bun.spawn(['kubectl', 'kustomize', join(K8S, dir)], {
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    })
  } catch (error) {
    throw new Error(`kubectl is needed to render infra/k8s (kubectl kustomize): ${error}`)
  }
  const [code, out, err] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ])
  if (code !== 0) throw new Error(`kubectl kustomize infra/k8s/${dir} exited ${code}:\n${err}`)
  const objects = parseAllDocuments(out).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`infra/k8s/${dir} rendered invalid YAML: ${doc.errors[0]}`)
    return doc.toJS() as K8sObject
  })
  return { name: dir, objects }
}

const [base, production] = await Promise.all([render('base'), render('overlays/production')])

const idOf = (o: K8sObject) => `${o.kind}/${o.metadata.name}`
/** `{ 'Deployment/pledge-service': value }`: a failing diff names the object it is about. */
const named = (id: string, value: unknown) => ({ [id]: value })

function all<T>(r: Render, kind: string): (T & K8sObject)[] {
  return r.objects.filter((o) => o.kind === kind) as (T & K8sObject)[]
}
function one<T>(r: Render, kind: string, name: string): T & K8sObject {
  const found = all<T>(r, kind).filter((o) => o.metadata.name === name)
  if (found.length !== 1) throw new Error(`${r.name}: expected one ${kind}/${name}, found ${found.length}`)
  return found[0] as T & K8sObject
}

function schemaErrors(o: K8sObject): string {
  const Model = MODELS[`${o.apiVersion}/${o.kind}`]
  if (!Model) return `unknown kind ${o.apiVersion} ${o.kind}: add its kubernetes-models class to MODELS`
  try {
    new Model(o as never).validate()
    return 'valid'
  } catch (error) {
    return String(error)
  }
}

/** The pod specs of every workload, named by their owner. */
function podSpecs(r: Render): [string, IPodSpec][] {
  return [
    ...all<IDeployment>(r, 'Deployment').map((d) => [idOf(d), d.spec?.template.spec] as const),
    ...all<IJob>(r, 'Job').map((j) => [idOf(j), j.spec?.template.spec] as const),
  ].flatMap(([id, spec]) => (spec ? [[id, spec] as [string, IPodSpec]] : []))
}

type Source =
  | { value: string; configMap?: string }
  | { secret: string; key: string; optional: boolean }
  | { unresolved: string }

/** What a container's environment holds, as the kubelet assembles it (env overrides envFrom). */
function environment(r: Render, container: IContainer): Map<string, Source> {
  const env = new Map<string, Source>()
  for (const from of container.envFrom ?? []) {
    const name = from.configMapRef?.name
    const map = all<IConfigMap>(r, 'ConfigMap').find((c) => c.metadata.name === name)
    for (const [key, value] of Object.entries(map?.data ?? {})) env.set(key, { value, configMap: name })
  }
  for (const v of container.env ?? []) {
    const secret = v.valueFrom?.secretKeyRef
    const mapKey = v.valueFrom?.configMapKeyRef
    if (v.value !== undefined) env.set(v.name, { value: v.value })
    else if (secret)
      env.set(v.name, { secret: secret.name ?? '', key: secret.key, optional: !!secret.optional })
    else if (mapKey) {
      const map = all<IConfigMap>(r, 'ConfigMap').find((c) => c.metadata.name === mapKey.name)
      const value = map?.data?.[mapKey.key]
      env.set(v.name, value === undefined ? { unresolved: `${mapKey.name}/${mapKey.key}` } : { value })
    } else env.set(v.name, { unresolved: 'valueFrom without a ConfigMap or Secret' })
  }
  return env
}

/** A setting's literal value (from the pod spec or a ConfigMap); undefined for a Secret's. */
function literal(env: Map<string, Source>, key: string): string | undefined {
  const source = env.get(key)
  return source && 'value' in source ? source.value : undefined
}

function appContainer(d: IDeployment): IContainer {
  const containers = d.spec?.template.spec?.containers ?? []
  if (containers.length !== 1) throw new Error(`Deployment/${d.metadata?.name}: expected one container`)
  return containers[0] as IContainer
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined

/** The Deployments whose pods a label selector picks (matchExpressions are not used here). */
function selected(r: Render, selector: Selector): string[] {
  if (!selector || selector.matchExpressions?.length) return ['<unsupported selector>']
  const wanted = Object.entries(selector.matchLabels ?? {})
  if (wanted.length === 0) return ['<every pod>']
  return all<IDeployment>(r, 'Deployment')
    .filter((d) => wanted.every(([k, v]) => d.spec?.template.metadata?.labels?.[k] === v))
    .map((d) => d.metadata.name)
    .sort()
}

/** What a pod spec does to run unprivileged; the same facts for every workload. */
function hardening(spec: IPodSpec) {
  const tmp = spec.volumes?.find((v) => v.name === 'tmp')
  return spec.containers.map((c) => ({
    container: c.name,
    runAsNonRoot: c.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot,
    runAsUser: c.securityContext?.runAsUser ?? spec.securityContext?.runAsUser,
    seccomp: (c.securityContext?.seccompProfile ?? spec.securityContext?.seccompProfile)?.type,
    allowPrivilegeEscalation: c.securityContext?.allowPrivilegeEscalation,
    readOnlyRootFilesystem: c.securityContext?.readOnlyRootFilesystem,
    dropCapabilities: c.securityContext?.capabilities?.drop,
    addCapabilities: c.securityContext?.capabilities?.add ?? [],
    tmp: c.volumeMounts?.find((m) => m.mountPath === '/tmp')?.name === 'tmp' && !!tmp?.emptyDir,
    serviceAccountToken: spec.automountServiceAccountToken,
  }))
}
const HARDENED = {
  runAsNonRoot: true,
  runAsUser: 1000,
  seccomp: 'RuntimeDefault',
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  dropCapabilities: ['ALL'],
  addCapabilities: [],
  tmp: true,
  serviceAccountToken: false,
}

/** Where a NetworkPolicy admits traffic from, in the words of SERVICES' callers. */
function sourcesOf(policy: INetworkPolicy): string[] {
  return (policy.spec?.ingress ?? [])
    .flatMap((rule) => rule.from ?? [{ ipBlock: { cidr: '0.0.0.0/0' } }])
    .map((peer) => {
      const namespace = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']
      const app = peer.podSelector?.matchLabels?.['app.kubernetes.io/name']
      if (peer.ipBlock) return `ip block ${peer.ipBlock.cidr}`
      if (namespace && app) return `namespace ${namespace}, pods ${app}`
      if (namespace && !peer.podSelector) return `namespace ${namespace}`
      if (app && !peer.namespaceSelector) return app
      return `unrecognised peer ${JSON.stringify(peer)}`
    })
    .sort()
}

// --- both renders -----------------------------------------------------------------------------

test('infra/k8s passes yamllint', () => {
  const result = Bun.spawnSync(['yamllint', '--strict', '-c', join(INFRA, '.yamllint.yml'), K8S], {
    stdout: 'pipe',
    stderr: 'pipe',
  })
  expect(`${result.stdout.toString()}${result.stderr.toString()}`).toBe('')
  expect(result.exitCode).toBe(0)
})

for (const r of [base, production]) {
  describe(`infra/k8s/${r.name}`, () => {
    for (const o of r.objects) {
      test(`${idOf(o)} is a valid ${o.apiVersion} ${o.kind}`, () => {
        expect(named(idOf(o), schemaErrors(o))).toEqual(named(idOf(o), 'valid'))
      })
    }

    test('runs the seven services and no database, broker or cache (no StatefulSet)', () => {
      const workloads = r.objects.filter((o) =>
        ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod'].includes(o.kind),
      )
      expect(workloads.map(idOf)).toEqual([])
      expect(
        all(r, 'Deployment')
          .map((d) => d.metadata.name)
          .sort(),
      ).toEqual(Object.keys(SERVICES).sort())
      const servers = r.objects.filter((o) => /postgres|rabbitmq|redis/.test(o.metadata.name))
      expect(servers.map(idOf)).toEqual([])
    })

    test('every ConfigMap and Secret a pod reads exists, or is a documented external Secret', () => {
      const external = r === production
      const problems: string[] = []
      const mapNamed = (name?: string) =>
        all<IConfigMap>(r, 'ConfigMap').find((c) => c.metadata.name === name)
      const secretNamed = (name?: string) => all<ISecret>(r, 'Secret').find((s) => s.metadata.name === name)
      const checkSecret = (owner: string, name: string, key?: string, optional = false) => {
        if (external) {
          const keys = EXTERNAL_SECRETS[name]
          if (!keys) problems.push(`${owner} reads Secret ${name}, which is not in EXTERNAL_SECRETS`)
          else if (key && !keys.includes(key))
            problems.push(`${owner} reads key ${key} of Secret ${name}, not in EXTERNAL_SECRETS`)
          return
        }
        const secret = secretNamed(name)
        if (!secret) problems.push(`${owner} reads Secret ${name}, which the render does not define`)
        else if (key && !optional && !(key in (secret.stringData ?? secret.data ?? {})))
          problems.push(`${owner} reads key ${key} of Secret ${name}, which it lacks`)
      }
      for (const [owner, spec] of podSpecs(r)) {
        for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
          for (const from of c.envFrom ?? []) {
            if (from.secretRef)
              problems.push(`${owner} imports all of Secret ${from.secretRef.name}: name each key`)
            if (from.configMapRef && !mapNamed(from.configMapRef.name))
              problems.push(
                `${owner} reads ConfigMap ${from.configMapRef.name}, which the render does not define`,
              )
          }
          for (const v of c.env ?? []) {
            const secret = v.valueFrom?.secretKeyRef
            if (secret) checkSecret(owner, secret.name ?? '', secret.key, !!secret.optional)
            const mapKey = v.valueFrom?.configMapKeyRef
            if (mapKey && mapNamed(mapKey.name)?.data?.[mapKey.key] === undefined)
              problems.push(`${owner} reads ${mapKey.name}/${mapKey.key}, which the render does not define`)
          }
        }
        for (const volume of spec.volumes ?? []) {
          if (volume.secret) checkSecret(owner, volume.secret.secretName ?? '')
          if (volume.configMap && !mapNamed(volume.configMap.name))
            problems.push(
              `${owner} mounts ConfigMap ${volume.configMap.name}, which the render does not define`,
            )
        }
      }
      for (const ingress of all<IIngress>(r, 'Ingress'))
        for (const tls of ingress.spec?.tls ?? []) {
          if (!tls.secretName) continue
          if (external) checkSecret(idOf(ingress), tls.secretName)
          else problems.push(`${idOf(ingress)}: TLS belongs to the production overlay`)
        }
      expect(problems).toEqual([])
    })

    test('no secret value sits in a ConfigMap or a literal env value', () => {
      const problems = [
        ...all<IConfigMap>(r, 'ConfigMap').flatMap((c) =>
          Object.keys(c.data ?? {})
            .filter((key) => SECRET_KEYS.has(key))
            .map((key) => `${idOf(c)} holds ${key}`),
        ),
        ...podSpecs(r).flatMap(([owner, spec]) =>
          spec.containers.flatMap((c) =>
            (c.env ?? [])
              .filter((v) => SECRET_KEYS.has(v.name) && !v.valueFrom?.secretKeyRef)
              .map((v) => `${owner} sets ${v.name}`),
          ),
        ),
      ]
      expect(problems).toEqual([])
    })

    test('every Service selects the pods of the Deployment of its name, on the port named http', () => {
      for (const service of all<IService>(r, 'Service')) {
        const name = service.metadata.name
        const deployment = all<IDeployment>(r, 'Deployment').find((d) => d.metadata.name === name)
        const ports = deployment ? (appContainer(deployment).ports ?? []) : []
        expect(
          named(idOf(service), {
            selects: selected(r, { matchLabels: service.spec?.selector }),
            targetPorts: service.spec?.ports?.map((p) => p.targetPort),
            containerPorts: ports.map((p) => p.name),
          }),
        ).toEqual(named(idOf(service), { selects: [name], targetPorts: ['http'], containerPorts: ['http'] }))
      }
    })

    test('every in-cluster URL in a ConfigMap names a Service of the render, on its port', () => {
      const problems: string[] = []
      for (const map of all<IConfigMap>(r, 'ConfigMap'))
        for (const [key, value] of Object.entries(map.data ?? {})) {
          const url = /^https?:\/\/([a-z0-9-]+):(\d+)(\/|$)/.exec(value)
          if (!url) continue
          const [, host, port] = url
          if (host === 'localhost') continue
          const service = all<IService>(r, 'Service').find((s) => s.metadata.name === host)
          if (!service) problems.push(`${idOf(map)} ${key}: no Service ${host}`)
          else if (!service.spec?.ports?.some((p) => p.port === Number(port)))
            problems.push(`${idOf(map)} ${key}: Service ${host} has no port ${port}`)
        }
      expect(problems).toEqual([])
    })

    test('exactly one Ingress, to gateway-service on its port http', () => {
      const ingresses = all<IIngress>(r, 'Ingress')
      const backends = ingresses.flatMap((i) =>
        (i.spec?.rules ?? []).flatMap((rule) =>
          (rule.http?.paths ?? []).map(
            (p) => `${idOf(i)} ${p.path} -> ${p.backend.service?.name}:${p.backend.service?.port?.name}`,
          ),
        ),
      )
      expect(backends).toEqual(['Ingress/gateway-service / -> gateway-service:http'])
    })

    test('a default-deny ingress NetworkPolicy covers the namespace', () => {
      const deny = one<INetworkPolicy>(r, 'NetworkPolicy', 'default-deny-ingress')
      expect(named(idOf(deny), deny.spec)).toEqual(
        named(idOf(deny), { podSelector: {}, policyTypes: ['Ingress'] }),
      )
    })
  })
}

// --- the production overlay, service by service -------------------------------------------------

for (const [name, expected] of Object.entries(SERVICES)) {
  describe(`infra/k8s/overlays/production: ${name}`, () => {
    const id = `Deployment/${name}`
    // Looked up in each test, so that a missing object fails its tests, not the whole file.
    const objects = () => {
      const deployment = one<IDeployment>(production, 'Deployment', name)
      const container = appContainer(deployment)
      const hpa = one<IHorizontalPodAutoscaler>(production, 'HorizontalPodAutoscaler', name)
      return {
        deployment,
        pod: deployment.spec?.template,
        container,
        env: environment(production, container),
        hpa,
      }
    }

    test(`${id} is ready on /ready and alive on /health, on port http (${expected.port})`, () => {
      const { container, env } = objects()
      const probe = (p: IContainer['readinessProbe']) => p && `${p.httpGet?.path} on ${p.httpGet?.port}`
      expect(
        named(id, {
          ports: container.ports?.map((p) => `${p.name} ${p.containerPort}`),
          PORT: literal(env, 'PORT'),
          readiness: probe(container.readinessProbe),
          liveness: probe(container.livenessProbe),
          startup: probe(container.startupProbe),
        }),
      ).toEqual(
        named(id, {
          ports: [`http ${expected.port}`],
          PORT: String(expected.port),
          readiness: '/ready on http',
          liveness: '/health on http',
          startup: '/health on http',
        }),
      )
    })

    test(`${id} requests and limits CPU and memory`, () => {
      const { container } = objects()
      const { requests, limits } = container.resources ?? {}
      expect(named(id, { requests: Object.keys(requests ?? {}), limits: Object.keys(limits ?? {}) })).toEqual(
        named(id, { requests: ['cpu', 'memory'], limits: ['cpu', 'memory'] }),
      )
    })

    test(`${id} runs as uid 1000, non-root, read-only, without capabilities`, () => {
      const { pod } = objects()
      expect(named(id, pod?.spec && hardening(pod.spec))).toEqual(
        named(id, [{ container: 'app', ...HARDENED }]),
      )
    })

    test(`${id} drains on SIGTERM, is scraped by Prometheus, and spreads over zones and nodes`, () => {
      const { pod } = objects()
      const spread = pod?.spec?.topologySpreadConstraints ?? []
      expect(
        named(id, {
          drainsFor30sOrMore: (pod?.spec?.terminationGracePeriodSeconds ?? 30) >= 30,
          scrape: pod?.metadata?.annotations?.['prometheus.io/scrape'],
          metricsPath: pod?.metadata?.annotations?.['prometheus.io/path'],
          spreadOver: spread.map((s) => s.topologyKey).sort(),
          spreadPerService: spread.every((s) => s.matchLabelKeys?.includes('app.kubernetes.io/name')),
          spreadCountsItsPods: spread.every((s) => selected(production, s.labelSelector).includes(name)),
        }),
      ).toEqual(
        named(id, {
          drainsFor30sOrMore: true,
          scrape: 'true',
          metricsPath: '/metrics',
          spreadOver: ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'],
          spreadPerService: true,
          spreadCountsItsPods: true,
        }),
      )
    })

    test(`${id} runs careforall/${name} pinned to its package.json version`, () => {
      const { container } = objects()
      expect(named(id, container.image)).toEqual(named(id, `careforall/${name}:${versionOf(`apps/${name}`)}`))
    })

    test(`${id} is given every setting its env.ts needs, secrets from Secrets`, () => {
      const { env } = objects()
      const missing = expected.env.filter((key) => !env.has(key))
      const notSecret = [...env]
        .filter(([key, source]) => SECRET_KEYS.has(key) && !('secret' in source))
        .map(([key]) => key)
      const unresolved = [...env].filter(([, source]) => 'unresolved' in source).map(([key]) => key)
      expect(named(id, { missing, notSecret, unresolved })).toEqual(
        named(id, { missing: [], notSecret: [], unresolved: [] }),
      )
    })

    test(`Service/${name} is a ClusterIP on port http ${expected.port}`, () => {
      const service = one<IService>(production, 'Service', name)
      expect(named(idOf(service), { type: service.spec?.type, ports: service.spec?.ports })).toEqual(
        named(idOf(service), {
          type: 'ClusterIP',
          ports: [{ name: 'http', port: expected.port, targetPort: 'http' }],
        }),
      )
    })

    test(`HorizontalPodAutoscaler/${name} scales Deployment/${name} on CPU utilisation, from at least 2`, () => {
      const { hpa } = objects()
      const spec = hpa.spec
      expect(
        named(idOf(hpa), {
          target: `${spec?.scaleTargetRef.apiVersion} ${spec?.scaleTargetRef.kind}/${spec?.scaleTargetRef.name}`,
          metrics: spec?.metrics?.map((m) => `${m.resource?.name} ${m.resource?.target.type}`),
          atLeastTwo: (spec?.minReplicas ?? 1) >= 2,
          roomToGrow: (spec?.maxReplicas ?? 0) > (spec?.minReplicas ?? 1),
        }),
      ).toEqual(
        named(idOf(hpa), {
          target: `apps/v1 Deployment/${name}`,
          metrics: ['cpu Utilization'],
          atLeastTwo: true,
          roomToGrow: true,
        }),
      )
    })

    test(`PodDisruptionBudget/${name} selects only ${name}'s pods and keeps some through a drain`, () => {
      const { hpa } = objects()
      const pdb = one<IPodDisruptionBudget>(production, 'PodDisruptionBudget', name)
      const minAvailable = pdb.spec?.minAvailable
      expect(
        named(idOf(pdb), {
          selects: selected(production, pdb.spec?.selector),
          minAvailable: typeof minAvailable,
          belowHpaMinimum: typeof minAvailable === 'number' && minAvailable < (hpa.spec?.minReplicas ?? 1),
        }),
      ).toEqual(named(idOf(pdb), { selects: [name], minAvailable: 'number', belowHpaMinimum: true }))
    })

    test(`NetworkPolicy/${name} admits only its callers and monitoring, on port http`, () => {
      const policy = one<INetworkPolicy>(production, 'NetworkPolicy', name)
      expect(
        named(idOf(policy), {
          selects: selected(production, policy.spec?.podSelector),
          from: sourcesOf(policy),
          ports: (policy.spec?.ingress ?? []).map((rule) => rule.ports?.map((p) => p.port)),
        }),
      ).toEqual(
        named(idOf(policy), {
          selects: [name],
          from: [...expected.callers, MONITORING].sort(),
          ports: [['http']],
        }),
      )
    })

    if (Object.keys(expected.roles).length > 0)
      test(`${id}'s database pools fit each role's connection limit, at the HPA maximum plus a surge pod`, () => {
        const { deployment, env, hpa } = objects()
        const pool = Number(literal(env, 'DATABASE_POOL_MAX') ?? 10)
        const surge = deployment.spec?.strategy?.rollingUpdate?.maxSurge
        const pods = (hpa.spec?.maxReplicas ?? 0) + (typeof surge === 'number' ? surge : Number.NaN)
        const over = Object.entries(expected.roles)
          .map(([role, pools]) => [role, pods * pools * pool] as const)
          .filter(([, connections]) => !(connections <= ROLE_CONNECTION_LIMIT))
          .map(
            ([role, connections]) =>
              `${role}: ${pods} pods open ${connections}, over ${ROLE_CONNECTION_LIMIT}`,
          )
        expect(named(id, over)).toEqual(named(id, []))
      })
  })
}

// --- the production overlay as a whole, and the base's placeholders -----------------------------

describe('infra/k8s/overlays/production', () => {
  test('defines no Secret: every one is created outside the repository', () => {
    expect(all(production, 'Secret').map(idOf)).toEqual([])
  })

  test('EXTERNAL_SECRETS lists only Secrets and keys that something reads', () => {
    const read = new Set<string>()
    for (const [, spec] of podSpecs(production))
      for (const c of spec.containers)
        for (const v of c.env ?? []) {
          const ref = v.valueFrom?.secretKeyRef
          if (ref) read.add(`${ref.name} ${ref.key}`).add(`${ref.name}`)
        }
    for (const i of all<IIngress>(production, 'Ingress'))
      for (const tls of i.spec?.tls ?? []) read.add(`${tls.secretName}`)
    const unread = Object.entries(EXTERNAL_SECRETS).flatMap(([name, keys]) =>
      name === 'careforall-tls'
        ? read.has(name)
          ? []
          : [name]
        : keys.filter((key) => !read.has(`${name} ${key}`)).map((key) => `${name} ${key}`),
    )
    expect(unread).toEqual([])
  })

  test('infra/k8s/README.md names every external Secret and its keys', () => {
    const readme = readFileSync(join(K8S, 'README.md'), 'utf8')
    const missing = Object.entries(EXTERNAL_SECRETS).flatMap(([name, keys]) =>
      [name, ...keys].filter((word) => !readme.includes(`\`${word}\``)).map((word) => `${name}: ${word}`),
    )
    expect(missing).toEqual([])
  })

  test('Job/careforall-setup creates the schemas and roles with careforall/setup, unprivileged', () => {
    const job = one<IJob>(production, 'Job', 'careforall-setup')
    const spec = job.spec?.template.spec as IPodSpec
    const container = spec.containers[0] as IContainer
    const value = (key: string) => environment(production, container).get(key)
    expect(
      named(idOf(job), {
        image: container.image,
        command: container.command ?? container.args ?? 'the image CMD',
        restartPolicy: spec.restartPolicy,
        DATABASE_ADMIN_URL: value('DATABASE_ADMIN_URL'),
        SERVICE_DB_PASSWORD: value('SERVICE_DB_PASSWORD'),
        DATABASE_NAME: value('DATABASE_NAME'),
        DEV_START_SERVERS: value('DEV_START_SERVERS'),
        // The preflight of setup.ts checks the broker and Redis too.
        RABBITMQ_URL: value('RABBITMQ_URL'),
        REDIS_URL: value('REDIS_URL'),
        hardening: hardening(spec),
      }),
    ).toEqual(
      named(idOf(job), {
        image: `careforall/setup:${versionOf('packages/devkit')}`,
        command: 'the image CMD',
        restartPolicy: 'Never',
        DATABASE_ADMIN_URL: {
          secret: 'careforall-setup-secrets',
          key: 'DATABASE_ADMIN_URL',
          optional: false,
        },
        SERVICE_DB_PASSWORD: {
          secret: 'careforall-setup-secrets',
          key: 'SERVICE_DB_PASSWORD',
          optional: false,
        },
        DATABASE_NAME: { value: 'careforall' },
        DEV_START_SERVERS: { value: 'false' },
        RABBITMQ_URL: { secret: 'careforall-shared', key: 'RABBITMQ_URL', optional: false },
        REDIS_URL: { value: expect.stringMatching(/^redis:\/\//) },
        hardening: [{ container: 'setup', ...HARDENED }],
      }),
    )
  })

  test('every image is pinned to a version, none to latest', () => {
    const images = podSpecs(production).flatMap(([owner, spec]) =>
      spec.containers.map((c) => `${owner} ${c.image}`),
    )
    expect(images.filter((line) => !/:\d+\.\d+\.\d+$/.test(line))).toEqual([])
  })
})

describe('infra/k8s/base placeholder Secrets', () => {
  const secrets = all<ISecret>(base, 'Secret')
  const setup = secrets.find((s) => s.metadata.name === 'careforall-setup-secrets')
  const password = setup?.stringData?.SERVICE_DB_PASSWORD ?? '<no SERVICE_DB_PASSWORD>'

  test('are the external Secrets but careforall-tls, each labelled a placeholder, with their keys', () => {
    const facts = Object.fromEntries(
      secrets.map((s) => [
        idOf(s),
        {
          placeholder: s.metadata.labels?.['careforall.dev/placeholder'],
          keys: Object.keys(s.stringData ?? {}).sort(),
        },
      ]),
    )
    const expectedFacts = Object.fromEntries(
      Object.entries(EXTERNAL_SECRETS)
        .filter(([name]) => name !== 'careforall-tls')
        .map(([name, keys]) => [
          `Secret/${name}`,
          // The key of a rotation in progress is optional, so no placeholder holds it.
          { placeholder: 'true', keys: keys.filter((k) => k !== 'SANDBOX_WEBHOOK_SECRET_PREVIOUS').sort() },
        ]),
    )
    expect(facts).toEqual(expectedFacts)
  })

  test("connect each service as its cfa_<schema> role, with the setup Job's SERVICE_DB_PASSWORD", () => {
    const urls = Object.fromEntries(
      Object.entries(SERVICES).flatMap(([name, { roles }]) => {
        const data = secrets.find((s) => s.metadata.name === `${name}-secrets`)?.stringData ?? {}
        return Object.keys(roles).map((role) => {
          const key = role === 'cfa_sandbox' ? 'SANDBOX_DATABASE_URL' : 'DATABASE_URL'
          const url = new URL(data[key] ?? 'missing:')
          return [`${name} ${key}`, { role: url.username, password: url.password, database: url.pathname }]
        })
      }),
    )
    const expectedUrls = Object.fromEntries(
      Object.entries(SERVICES).flatMap(([name, { roles }]) =>
        Object.keys(roles).map((role) => [
          `${name} ${role === 'cfa_sandbox' ? 'SANDBOX_DATABASE_URL' : 'DATABASE_URL'}`,
          { role, password, database: '/careforall' },
        ]),
      ),
    )
    expect(urls).toEqual(expectedUrls)
  })
})
