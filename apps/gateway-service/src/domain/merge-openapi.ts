/** The parts of an OpenAPI 3.1 document the merge reads; everything else is carried as is. */
export interface OpenApiDocument {
  openapi: string
  info: { title: string; version: string; description?: string; [key: string]: unknown }
  paths?: Record<string, Record<string, unknown>>
  components?: Record<string, Record<string, unknown>>
  security?: Record<string, string[]>[]
  tags?: { name: string; description?: string }[]
  [key: string]: unknown
}

/** One service's own document and the names it goes by in the merged one. */
export interface ServiceDocument {
  /** Prefix of its component names: `campaign` turns `Problem` into `campaign.Problem`. */
  prefix: string
  /** The tag every one of its operations gets: `campaign-service`. */
  tag: string
  document: OpenApiDocument
}

export interface MergeMeta {
  title: string
  version: string
  description: string
  /** Services whose document could not be read: named so the reader knows what is missing. */
  unavailable: string[]
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])
const LOCAL_REF = /^#\/components\/([^/]+)\/([^/]+)(.*)$/

/** Renames one component of one service: `(schemas, Problem)` → `campaign.Problem`. */
type Rename = (type: string, name: string) => string

/**
 * One OpenAPI 3.1 document for the whole platform, as clients see it through the gateway: every
 * operation under `/api/` of every service, tagged with its service. Services name their
 * components independently (each has its own `Problem`), so each service's components are
 * renamed under its prefix and every `$ref`, discriminator mapping and security requirement of
 * that service is rewritten to match. Security schemes that every service defines identically
 * (the platform's one bearer token) keep their name, so the docs ask for the token once; schemes
 * no public operation uses (the services' internal secret) are left out.
 */
export function mergeOpenApi(sources: ServiceDocument[], meta: MergeMeta): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {}
  const components: Record<string, Record<string, unknown>> = {}
  const operationIds = new Set<string>()
  const shared = sharedSecuritySchemes(sources)
  for (const source of sources) {
    const rename: Rename = (type, name) =>
      type === 'securitySchemes' && shared.has(name) ? name : `${source.prefix}.${name}`
    const document = renameRefs(source.document, rename) as OpenApiDocument
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      if (!path.startsWith('/api/')) continue
      paths[path] = tagOperations(item, source.tag, rename, document.security, operationIds)
    }
    for (const [type, entries] of Object.entries(document.components ?? {})) {
      const merged = components[type] ?? {}
      for (const [name, value] of Object.entries(entries)) merged[rename(type, name)] = value
      components[type] = merged
    }
  }
  // Only the schemes some public operation asks for: the services' internal secret is not one.
  const used = new Set<string>()
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item)) {
      for (const requirement of (operation as { security?: Record<string, unknown>[] }).security ?? []) {
        for (const name of Object.keys(requirement)) used.add(name)
      }
    }
  }
  if (components.securitySchemes) {
    components.securitySchemes = Object.fromEntries(
      Object.entries(components.securitySchemes).filter(([name]) => used.has(name)),
    )
  }
  const description =
    meta.unavailable.length === 0
      ? meta.description
      : `${meta.description}\n\nUnavailable right now (their operations are missing): ${meta.unavailable.join(', ')}.`
  return {
    openapi: '3.1.0',
    info: { title: meta.title, version: meta.version, description },
    'x-unavailable': meta.unavailable,
    tags: sources.map((source) => ({
      name: source.tag,
      ...(source.document.info.description ? { description: source.document.info.description } : {}),
    })),
    paths,
    components,
  }
}

/** Names defined under `securitySchemes` by several services, identically everywhere. */
function sharedSecuritySchemes(sources: ServiceDocument[]): Set<string> {
  const definitions = new Map<string, Set<string>>()
  for (const { document } of sources) {
    for (const [name, scheme] of Object.entries(document.components?.securitySchemes ?? {})) {
      const seen = definitions.get(name) ?? new Set()
      definitions.set(name, seen.add(JSON.stringify(scheme)))
    }
  }
  return new Set([...definitions].filter(([, seen]) => seen.size === 1).map(([name]) => name))
}

function tagOperations(
  item: Record<string, unknown>,
  tag: string,
  rename: Rename,
  defaultSecurity: OpenApiDocument['security'],
  operationIds: Set<string>,
): Record<string, unknown> {
  const tagged: Record<string, unknown> = { ...item }
  for (const [method, value] of Object.entries(item)) {
    if (!METHODS.has(method) || !value || typeof value !== 'object') continue
    const operation: Record<string, unknown> = { ...value, tags: [tag] }
    // Requirements name schemes directly (no $ref), so they are renamed here.
    const security = (operation.security ?? defaultSecurity) as OpenApiDocument['security']
    if (security) {
      operation.security = security.map((requirement) =>
        Object.fromEntries(
          Object.entries(requirement).map(([name, scopes]) => [rename('securitySchemes', name), scopes]),
        ),
      )
    }
    if (typeof operation.operationId === 'string') {
      // Ids must be unique across the merged document; only a clash gets the service's name.
      const id = operationIds.has(operation.operationId)
        ? `${tag}.${operation.operationId}`
        : operation.operationId
      operation.operationId = id
      operationIds.add(id)
    }
    tagged[method] = operation
  }
  return tagged
}

/** A copy of `value` with every local `$ref` (and discriminator mapping) renamed. */
function renameRefs(value: unknown, rename: Rename): unknown {
  if (Array.isArray(value)) return value.map((entry) => renameRefs(entry, rename))
  if (!value || typeof value !== 'object') return value
  const copy: Record<string, unknown> = {}
  for (const [key, entry] of Object.entries(value)) {
    if (key === '$ref' && typeof entry === 'string') copy[key] = renameRef(entry, rename)
    else if (key === 'mapping' && isStringRecord(entry)) {
      copy[key] = Object.fromEntries(Object.entries(entry).map(([k, ref]) => [k, renameRef(ref, rename)]))
    } else copy[key] = renameRefs(entry, rename)
  }
  return copy
}

function renameRef(ref: string, rename: Rename): string {
  const match = LOCAL_REF.exec(ref)
  if (!match) return ref
  const [, type = '', name = '', rest = ''] = match
  return `#/components/${type}/${rename(type, name)}${rest}`
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    !!value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((entry) => typeof entry === 'string')
  )
}
