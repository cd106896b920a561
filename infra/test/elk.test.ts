// The log and event path (Filebeat → Logstash → Elasticsearch → Kibana, and RabbitMQ → Logstash →
// Elasticsearch). None of these programs runs here, so everything is checked statically: yamllint
// and shellcheck on the files they read, a small parser for Logstash's pipeline language, and the
// contracts between the pieces (ports, field names, index names, mappings, exchanges, log lines).
import { describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { Exchanges } from '@careforall/contracts'
import { createLogger } from '@careforall/logger'
import { parse } from 'yaml'

const INFRA = join(import.meta.dir, '..')
const REPO = join(INFRA, '..')
const YAMLLINT_CONFIG = join(INFRA, '.yamllint.yml')
const FILEBEAT_YML = join(INFRA, 'filebeat', 'filebeat.yml')
const LOGSTASH_CONFIG = join(INFRA, 'logstash', 'config')
const LOGSTASH_PIPELINES = join(INFRA, 'logstash', 'pipeline')
const LOGS_CONF = join(LOGSTASH_PIPELINES, 'logs.conf')
const EVENTS_CONF = join(LOGSTASH_PIPELINES, 'events.conf')
const TEMPLATES = join(INFRA, 'elasticsearch', 'index-templates')
const LOGS_TEMPLATE = join(TEMPLATES, 'careforall-logs.json')
const EVENTS_TEMPLATE = join(TEMPLATES, 'careforall-events.json')
const SETUP_SH = join(INFRA, 'elasticsearch', 'setup.sh')
const KIBANA_YML = join(INFRA, 'kibana', 'kibana.yml')
const KIBANA_OBJECTS = join(INFRA, 'kibana', 'saved-objects.ndjson')
/** Where compose mounts infra/logstash/pipeline inside the Logstash container. */
const CONTAINER_PIPELINE_DIR = '/usr/share/logstash/pipeline/'

/** ARCHITECTURE.md's log fields and the ECS field each becomes in the logs pipeline. */
const ECS_RENAMES: Record<string, string> = {
  level: '[log][level]',
  serviceName: '[service][name]',
  traceId: '[trace][id]',
  spanId: '[span][id]',
  userId: '[user][id]',
  requestId: '[http][request][id]',
}
/** Keys the second redaction guard must cover (the brief's list; the logger's SECRET_KEYS include them). */
const REDACTED_KEYS = ['password', 'token', 'refreshToken', 'authorization', 'email', 'donorEmail']
const REDACTED = '[redacted]'

/** `${NAME}` / `${NAME:default}`: how Logstash and Filebeat configs reference a variable. */
function variable(name: string): string {
  return `$${'{'}${name}}`
}
/** Filebeat's autodiscover template variable for the container's id. */
const CONTAINER_ID = variable('data.docker.container.id')

/** Our services: every app named `*-service` (their compose service names). */
const SERVICES = readdirSync(join(REPO, 'apps')).filter((name) => name.endsWith('-service'))

function run(argv: string[]): { code: number; output: string } {
  const result = Bun.spawnSync(argv, { stdout: 'pipe', stderr: 'pipe' })
  return { code: result.exitCode, output: `${result.stdout.toString()}${result.stderr.toString()}` }
}

function expectSuccess(argv: string[]): void {
  const { code, output } = run(argv)
  if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}:\n${output}`)
}

function ymlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.yml') || file.endsWith('.yaml'))
    .map((file) => join(dir, file))
}

// ---------------------------------------------------------------------------------------------
// A parser for Logstash's pipeline language: strings, comments, regex literals (in conditions),
// braces and brackets, sections, conditionals, plugins and their settings. Anything unbalanced or
// out of place throws, with the line.
// ---------------------------------------------------------------------------------------------

type TokenKind = 'string' | 'regex' | 'word' | 'punct'
interface Token {
  kind: TokenKind
  value: string
  line: number
}

const TWO_CHAR_OPERATORS = new Set(['=>', '==', '!=', '=~', '!~', '<=', '>='])
const ONE_CHAR_PUNCT = new Set(['{', '}', '[', ']', '(', ')', ',', '!', '<', '>'])
const WORD_CHAR = /[A-Za-z0-9_.@+-]/

function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let line = 1
  let i = 0
  const fail = (message: string): never => {
    throw new Error(`line ${line}: ${message}`)
  }
  while (i < source.length) {
    const char = source[i]!
    if (char === '\n') {
      line++
      i++
    } else if (/\s/.test(char)) {
      i++
    } else if (char === '#') {
      while (i < source.length && source[i] !== '\n') i++
    } else if (char === '"' || char === "'") {
      const start = line
      let value = ''
      i++
      while (true) {
        if (i >= source.length) fail(`unterminated string opened on line ${start}`)
        const c = source[i]!
        if (c === '\\' && i + 1 < source.length) {
          // Logstash keeps the backslash (config.support_escapes is off); only the quote is escaped.
          value += c + source[i + 1]
          if (source[i + 1] === '\n') line++
          i += 2
          continue
        }
        if (c === char) break
        if (c === '\n') line++
        value += c
        i++
      }
      i++
      tokens.push({ kind: 'string', value, line: start })
    } else if (
      char === '/' &&
      tokens.length > 0 &&
      (tokens.at(-1)!.value === '=~' || tokens.at(-1)!.value === '!~')
    ) {
      let value = ''
      i++
      while (true) {
        if (i >= source.length || source[i] === '\n') fail('unterminated regular expression')
        const c = source[i]!
        if (c === '\\') {
          value += c + (source[i + 1] ?? '')
          i += 2
          continue
        }
        if (c === '/') break
        value += c
        i++
      }
      i++
      tokens.push({ kind: 'regex', value, line })
    } else if (TWO_CHAR_OPERATORS.has(source.slice(i, i + 2))) {
      tokens.push({ kind: 'punct', value: source.slice(i, i + 2), line })
      i += 2
    } else if (ONE_CHAR_PUNCT.has(char)) {
      tokens.push({ kind: 'punct', value: char, line })
      i++
    } else if (WORD_CHAR.test(char)) {
      let value = ''
      while (i < source.length && WORD_CHAR.test(source[i]!)) value += source[i++]
      tokens.push({ kind: 'word', value, line })
    } else {
      fail(`unexpected character ${JSON.stringify(char)}`)
    }
  }
  return tokens
}

interface HashValue {
  kind: 'hash'
  entries: [string, Value][]
}
type Value = string | Value[] | HashValue

interface Plugin {
  section: string
  name: string
  settings: Map<string, Value>
  /** The conditions of the `if`/`else if`/`else` blocks it sits in, outermost first, as written. */
  conditions: string[]
  line: number
}

interface Pipeline {
  sections: string[]
  plugins: Plugin[]
  /** Every regex literal of the conditions. */
  regexes: string[]
}

function parsePipeline(source: string): Pipeline {
  const tokens = tokenize(source)
  let pos = 0
  const regexes: string[] = []
  const peek = () => tokens[pos]
  const fail = (message: string): never => {
    const token = tokens[Math.min(pos, tokens.length - 1)]
    throw new Error(`line ${token?.line ?? 0}: ${message}`)
  }
  const next = (): Token => tokens[pos++] ?? fail('unexpected end of file')
  const expectPunct = (value: string) => {
    const token = next()
    if (token.kind !== 'punct' || token.value !== value) fail(`expected ${value}, found ${token.value}`)
  }
  const isPunct = (value: string) => peek()?.kind === 'punct' && peek()?.value === value

  function parseValue(): Value {
    const token = next()
    if (token.kind === 'string' || token.kind === 'word') return token.value
    if (token.kind === 'punct' && token.value === '[') {
      const items: Value[] = []
      while (!isPunct(']')) {
        items.push(parseValue())
        if (isPunct(',')) pos++
      }
      pos++
      return items
    }
    if (token.kind === 'punct' && token.value === '{') {
      const entries: [string, Value][] = []
      while (!isPunct('}')) {
        const key = next()
        if (key.kind !== 'string' && key.kind !== 'word') fail(`bad hash key ${key.value}`)
        expectPunct('=>')
        entries.push([key.value, parseValue()])
        if (isPunct(',')) pos++
      }
      pos++
      return { kind: 'hash', entries }
    }
    return fail(`unexpected ${token.value} where a value belongs`)
  }

  function parsePlugin(section: string, name: string, conditions: string[], line: number): Plugin {
    expectPunct('{')
    const settings = new Map<string, Value>()
    while (!isPunct('}')) {
      const key = next()
      if (key.kind !== 'word' && key.kind !== 'string') fail(`bad setting name ${key.value}`)
      expectPunct('=>')
      if (settings.has(key.value)) fail(`${name}: ${key.value} set twice`)
      settings.set(key.value, parseValue())
    }
    pos++
    return { section, name, settings, conditions, line }
  }

  function parseCondition(): string {
    const parts: string[] = []
    let depth = 0
    while (true) {
      const token = peek() ?? fail('unterminated condition')
      if (depth === 0 && token.kind === 'punct' && token.value === '{') return parts.join(' ')
      pos++
      if (token.value === '[' || token.value === '(') depth++
      if (token.value === ']' || token.value === ')') depth--
      if (token.kind === 'regex') regexes.push(token.value)
      parts.push(token.kind === 'string' ? JSON.stringify(token.value) : token.value)
    }
  }

  function parseBody(section: string, conditions: string[], plugins: Plugin[]): void {
    expectPunct('{')
    let previousWasIf = false
    while (!isPunct('}')) {
      const token = next()
      if (token.kind !== 'word') fail(`unexpected ${token.value}`)
      if (token.value === 'if') {
        parseBody(section, [...conditions, parseCondition()], plugins)
        previousWasIf = true
      } else if (token.value === 'else') {
        if (!previousWasIf) fail('else without if')
        if (peek()?.value === 'if') {
          pos++
          parseBody(section, [...conditions, `else if ${parseCondition()}`], plugins)
        } else {
          parseBody(section, [...conditions, 'else'], plugins)
          previousWasIf = false
        }
      } else {
        plugins.push(parsePlugin(section, token.value, conditions, token.line))
        previousWasIf = false
      }
    }
    pos++
  }

  const sections: string[] = []
  const plugins: Plugin[] = []
  while (pos < tokens.length) {
    const token = next()
    if (token.kind !== 'word' || !['input', 'filter', 'output'].includes(token.value)) {
      fail(`expected input, filter or output, found ${token.value}`)
    }
    sections.push(token.value)
    parseBody(token.value, [], plugins)
  }
  return { sections, plugins, regexes }
}

function pluginsOf(pipeline: Pipeline, section: string, name: string): Plugin[] {
  return pipeline.plugins.filter((plugin) => plugin.section === section && plugin.name === name)
}

function setting(plugin: Plugin, key: string): Value | undefined {
  return plugin.settings.get(key)
}

function hashEntries(value: Value | undefined): [string, Value][] {
  if (value === undefined) return []
  if (typeof value === 'object' && !Array.isArray(value)) return value.entries
  throw new Error(`expected a hash, found ${JSON.stringify(value)}`)
}

function stringList(value: Value | undefined): string[] {
  if (value === undefined) return []
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.map((item) => String(item))
  throw new Error(`expected a list, found ${JSON.stringify(value)}`)
}

/** `[a][b]` or `a` → `a.b` / `a`: a Logstash field reference as an Elasticsearch field path. */
function fieldPath(reference: string): string {
  if (!reference.startsWith('[')) return reference
  const parts = [...reference.matchAll(/\[([^\]]+)\]/g)].map((match) => match[1]!)
  return parts.join('.')
}

/**
 * The fields a pipeline's filters write with values of their own (targets of rename and copy, of
 * date, of replace and add_field unless the value is the redaction marker), as ES field paths.
 */
function writtenFields(pipeline: Pipeline): Set<string> {
  const fields = new Set<string>()
  for (const plugin of pipeline.plugins.filter((p) => p.section === 'filter')) {
    if (plugin.name === 'mutate') {
      for (const [, target] of [
        ...hashEntries(setting(plugin, 'rename')),
        ...hashEntries(setting(plugin, 'copy')),
      ]) {
        fields.add(fieldPath(String(target)))
      }
      for (const [target, value] of [
        ...hashEntries(setting(plugin, 'replace')),
        ...hashEntries(setting(plugin, 'add_field')),
      ]) {
        if (value !== REDACTED) fields.add(fieldPath(target))
      }
    }
    if (plugin.name === 'date') fields.add(fieldPath(String(setting(plugin, 'target') ?? '@timestamp')))
  }
  return fields
}

/** The gsub triples (field, pattern, replacement) of a pipeline's mutate filters. */
function gsubs(pipeline: Pipeline): [string, string, string][] {
  const triples: [string, string, string][] = []
  for (const plugin of pluginsOf(pipeline, 'filter', 'mutate')) {
    const list = stringList(setting(plugin, 'gsub'))
    expect(list.length % 3).toBe(0)
    for (let i = 0; i < list.length; i += 3) triples.push([list[i]!, list[i + 1]!, list[i + 2]!])
  }
  return triples
}

/** `if [a][b]` as parseCondition writes it: tokens joined by spaces. */
function conditionOn(field: string): string {
  return fieldPath(field)
    .split('.')
    .map((part) => `[ ${part} ]`)
    .join(' ')
}

/** Applies a gsub as Ruby would for these patterns: `\1` in the replacement is group 1. */
function applyGsub(value: string, pattern: string, replacement: string): string {
  return value.replace(new RegExp(pattern, 'g'), replacement.replaceAll(/\\(\d)/g, '$$$1'))
}

/** An index name as the elasticsearch output writes it for a date, from its `%{+…}` Joda pattern. */
function indexFor(index: string, date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return index.replace(/%\{\+([^}]+)\}/, (_, pattern: string) =>
    pattern
      .replace('YYYY', String(date.getUTCFullYear()))
      .replace('MM', pad(date.getUTCMonth() + 1))
      .replace('dd', pad(date.getUTCDate())),
  )
}

function globMatches(pattern: string, name: string): boolean {
  const escapeRegExp = (text: string) => text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`)
  return regex.test(name)
}

// ---------------------------------------------------------------------------------------------
// Elasticsearch index templates
// ---------------------------------------------------------------------------------------------

interface FieldMapping {
  type?: string
  properties?: Record<string, FieldMapping>
  [key: string]: unknown
}
interface IndexTemplate {
  index_patterns: string[]
  priority?: number
  template: {
    settings: Record<string, unknown>
    mappings: { properties: Record<string, FieldMapping>; dynamic_templates?: unknown[] }
  }
  [key: string]: unknown
}

const COMPOSABLE_TEMPLATE_KEYS = new Set([
  'index_patterns',
  'template',
  'composed_of',
  'priority',
  'version',
  '_meta',
  'data_stream',
  'allow_auto_create',
  'ignore_missing_component_templates',
  'deprecated',
])
const FIELD_TYPES = new Set([
  'keyword',
  'text',
  'date',
  'date_nanos',
  'long',
  'integer',
  'short',
  'byte',
  'double',
  'float',
  'half_float',
  'scaled_float',
  'boolean',
  'ip',
  'flattened',
  'object',
  'nested',
  'wildcard',
  'match_only_text',
  'constant_keyword',
])

function readTemplate(file: string): IndexTemplate {
  return JSON.parse(readFileSync(file, 'utf8')) as IndexTemplate
}

/** The mapping of a dotted field path (`http.request.id`), through object `properties`. */
function mappingOf(template: IndexTemplate, path: string): FieldMapping | undefined {
  let properties: Record<string, FieldMapping> | undefined = template.template.mappings.properties
  let mapping: FieldMapping | undefined
  for (const part of path.split('.')) {
    mapping = properties?.[part]
    if (!mapping) return undefined
    properties = mapping.properties
  }
  return mapping
}

function everyMapping(properties: Record<string, FieldMapping>, prefix = ''): [string, FieldMapping][] {
  return Object.entries(properties).flatMap(([name, mapping]) => [
    [`${prefix}${name}`, mapping] as [string, FieldMapping],
    ...(mapping.properties ? everyMapping(mapping.properties, `${prefix}${name}.`) : []),
  ])
}

const logs = parsePipeline(readFileSync(LOGS_CONF, 'utf8'))
const events = parsePipeline(readFileSync(EVENTS_CONF, 'utf8'))
const logsTemplate = readTemplate(LOGS_TEMPLATE)
const eventsTemplate = readTemplate(EVENTS_TEMPLATE)
const filebeat = parse(readFileSync(FILEBEAT_YML, 'utf8'))

describe('lint', () => {
  test('yamllint passes on every yml of filebeat, logstash and kibana', () => {
    const files = [
      ...ymlFiles(join(INFRA, 'filebeat')),
      ...ymlFiles(join(INFRA, 'logstash')),
      ...ymlFiles(join(INFRA, 'kibana')),
    ]
    expect(files.length).toBeGreaterThanOrEqual(4)
    expectSuccess(['yamllint', '--strict', '-c', YAMLLINT_CONFIG, ...files])
  })

  test('shellcheck passes on the Elasticsearch setup script, a POSIX sh script', () => {
    expect(readFileSync(SETUP_SH, 'utf8').startsWith('#!/bin/sh\n')).toBe(true)
    expectSuccess(['shellcheck', '--shell=sh', '--severity=style', SETUP_SH])
    expectSuccess(['sh', '-n', SETUP_SH])
  })
})

describe('the Logstash pipeline parser', () => {
  test('rejects what Logstash would reject', () => {
    expect(() => parsePipeline('input { beats { port => 5044 }')).toThrow()
    expect(() => parsePipeline('input { beats { port => "5044 } }')).toThrow(/unterminated string/)
    expect(() => parsePipeline('filter { } }')).toThrow()
    expect(() => parsePipeline('filter { if [a] =~ /x{2 { } }')).toThrow(/unterminated regular/)
    expect(() => parsePipeline('queue { }')).toThrow(/expected input, filter or output/)
  })

  test('reads braces inside strings, comments and regular expressions as text', () => {
    const pipeline = parsePipeline(
      'filter { # a comment with { and "\n if [a] =~ /^x{2}$/ { mutate { add_tag => ["}", \'{\'] } } }',
    )
    expect(pipeline.regexes).toEqual(['^x{2}$'])
    expect(stringList(setting(pluginsOf(pipeline, 'filter', 'mutate')[0]!, 'add_tag'))).toEqual(['}', '{'])
  })
})

describe('Logstash', () => {
  test('both pipeline files have input, filter and output sections, each once', () => {
    for (const pipeline of [logs, events]) expect(pipeline.sections).toEqual(['input', 'filter', 'output'])
  })

  test('plugin ids are unique within each pipeline (Logstash refuses duplicates)', () => {
    for (const pipeline of [logs, events]) {
      const ids = pipeline.plugins.flatMap((plugin) => stringList(setting(plugin, 'id')))
      expect(new Set(ids).size).toBe(ids.length)
    }
  })

  test('pipelines.yml runs exactly the pipeline files there are', () => {
    const pipelines = parse(readFileSync(join(LOGSTASH_CONFIG, 'pipelines.yml'), 'utf8')) as {
      'pipeline.id': string
      'path.config': string
    }[]
    expect(pipelines.map((p) => p['pipeline.id']).sort()).toEqual(['events', 'logs'])
    for (const pipeline of pipelines) {
      expect(pipeline['path.config'].startsWith(CONTAINER_PIPELINE_DIR)).toBe(true)
      const local = join(LOGSTASH_PIPELINES, pipeline['path.config'].slice(CONTAINER_PIPELINE_DIR.length))
      expect(existsSync(local)).toBe(true)
    }
    const referenced = pipelines.map((p) => basename(p['path.config'])).sort()
    expect(readdirSync(LOGSTASH_PIPELINES).sort()).toEqual(referenced)
  })

  test('logstash.yml binds the API to every interface and turns legacy monitoring off', () => {
    const settings = parse(readFileSync(join(LOGSTASH_CONFIG, 'logstash.yml'), 'utf8')) as Record<
      string,
      unknown
    >
    expect(settings['api.http.host'] ?? settings['http.host']).toBe('0.0.0.0')
    expect(settings['xpack.monitoring.enabled']).toBe(false)
    // With pipelines.yml, path.config in logstash.yml would make Logstash ignore pipelines.yml.
    expect(settings['path.config']).toBeUndefined()
  })

  test('Filebeat ships to logstash:5044, where the beats input listens', () => {
    expect(filebeat['output.logstash'].hosts).toEqual(['logstash:5044'])
    const beats = pluginsOf(logs, 'input', 'beats')
    expect(beats).toHaveLength(1)
    expect(setting(beats[0]!, 'port')).toBe('5044')
    expect(logs.plugins.filter((p) => p.section === 'input')).toHaveLength(1)
  })
})

describe('the logs pipeline', () => {
  test('renames every field of the log format to its ECS name', () => {
    const renames = new Map(
      pluginsOf(logs, 'filter', 'mutate').flatMap((plugin) => hashEntries(setting(plugin, 'rename'))),
    )
    for (const [from, to] of Object.entries(ECS_RENAMES)) expect(renames.get(from)).toBe(to)
  })

  test('takes @timestamp from the line’s ISO-8601 timestamp and drops the copy', () => {
    const dates = pluginsOf(logs, 'filter', 'date')
    expect(dates).toHaveLength(1)
    const date = dates[0]!
    expect(stringList(setting(date, 'match'))).toEqual(['timestamp', 'ISO8601'])
    expect(setting(date, 'target')).toBe('@timestamp')
    expect(stringList(setting(date, 'remove_field'))).toEqual(['timestamp'])
  })

  test('keeps a line that is not JSON, tagged _not_json', () => {
    const tagging = pluginsOf(logs, 'filter', 'mutate').filter((plugin) =>
      stringList(setting(plugin, 'add_tag')).includes('_not_json'),
    )
    expect(tagging).toHaveLength(1)
    expect(tagging[0]!.conditions).toEqual(['[ error ] [ type ] == "json"'])
    // Filebeat is what marks such lines: its ndjson parser with add_error_key.
    expect(logs.plugins.some((plugin) => plugin.name === 'drop')).toBe(false)
  })

  test('sets event.dataset to careforall.<service>', () => {
    const replaces = new Map(
      pluginsOf(logs, 'filter', 'mutate').flatMap((plugin) => hashEntries(setting(plugin, 'replace'))),
    )
    expect(replaces.get('[event][dataset]')).toBe('careforall.%{[service][name]}')
  })

  test('redacts every secret key a line might still carry, under a condition (replace would create it)', () => {
    const redactions = pluginsOf(logs, 'filter', 'mutate').flatMap((plugin) =>
      hashEntries(setting(plugin, 'replace'))
        .filter(([, value]) => value === REDACTED)
        .map(([field]) => ({ field, conditions: plugin.conditions })),
    )
    for (const key of REDACTED_KEYS) expect(redactions.some((r) => r.field === key)).toBe(true)
    for (const { field, conditions } of redactions) expect(conditions).toEqual([conditionOn(field)])
  })

  test('redacts e-mail addresses and credentials in query strings of the message text', () => {
    const messageGsubs = gsubs(logs).filter(([field]) => field === 'message')
    expect(messageGsubs.length).toBeGreaterThanOrEqual(2)
    let text =
      'login failed for ada.lovelace+x@example.org at /reset?token=abc.DEF-123&next=%2F, refreshToken=zzz'
    for (const [, pattern, replacement] of messageGsubs) text = applyGsub(text, pattern, replacement)
    expect(text).toBe(
      'login failed for [redacted] at /reset?token=[redacted]&next=%2F, refreshToken=[redacted]',
    )
  })

  test('moves the gateway’s `service` (the upstream’s name) out of the way of ECS service.name', () => {
    const renames = pluginsOf(logs, 'filter', 'mutate').filter((plugin) =>
      hashEntries(setting(plugin, 'rename')).some(([from]) => from === 'service'),
    )
    expect(renames).toHaveLength(1)
    expect(renames[0]!.conditions).toEqual(['[ service ]'])
    // Before service.name is written.
    const ecs = pluginsOf(logs, 'filter', 'mutate').find((plugin) =>
      hashEntries(setting(plugin, 'rename')).some(([from]) => from === 'serviceName'),
    )!
    expect(renames[0]!.line).toBeLessThan(ecs.line)
  })

  test('writes daily careforall-logs-* indices to elasticsearch:9200, no data stream, no own template', () => {
    const outputs = pluginsOf(logs, 'output', 'elasticsearch')
    expect(outputs).toHaveLength(1)
    const output = outputs[0]!
    expect(stringList(setting(output, 'hosts'))).toEqual(['http://elasticsearch:9200'])
    expect(setting(output, 'index')).toBe('careforall-logs-%{+YYYY.MM.dd}')
    expect(setting(output, 'data_stream')).toBe('false')
    expect(setting(output, 'manage_template')).toBe('false')
    expect(setting(output, 'ilm_enabled')).toBe('false')
    expect(setting(output, 'user')).toBe(variable('ELASTIC_USER:elastic'))
    expect(setting(output, 'password')).toBe(variable('ELASTIC_PASSWORD:changeme'))
    const index = indexFor(String(setting(output, 'index')), new Date('2026-12-04T11:40:41.123Z'))
    expect(index).toBe('careforall-logs-2026.12.04')
    expect(logsTemplate.index_patterns.some((pattern) => globMatches(pattern, index))).toBe(true)
  })
})

describe('the events pipeline', () => {
  const inputs = pluginsOf(events, 'input', 'rabbitmq')

  test('has one rabbitmq input per exchange of the contracts, and no other input', () => {
    expect(events.plugins.filter((p) => p.section === 'input')).toHaveLength(inputs.length)
    expect(inputs.map((input) => setting(input, 'exchange')).sort()).toEqual(Object.values(Exchanges).sort())
  })

  for (const exchange of Object.values(Exchanges)) {
    test(`binds the durable queue logstash.events to ${exchange} with #`, () => {
      const input = inputs.find((i) => setting(i, 'exchange') === exchange)!
      expect(input).toBeDefined()
      expect(Object.fromEntries(input.settings)).toMatchObject({
        host: 'rabbitmq',
        user: variable('RABBITMQ_USER:guest'),
        password: variable('RABBITMQ_PASSWORD:guest'),
        queue: 'logstash.events',
        durable: 'true',
        exclusive: 'false',
        auto_delete: 'false',
        exchange_type: 'topic',
        key: '#',
        ack: 'true',
        metadata_enabled: 'basic',
        codec: 'json',
      })
      // A classic queue: no x-queue-type argument, so every input declares the same queue.
      expect(setting(input, 'arguments')).toBeUndefined()
    })
  }

  test('takes @timestamp, event.action, event.id and service.name from the CloudEvents envelope', () => {
    const dates = pluginsOf(events, 'filter', 'date')
    expect(dates).toHaveLength(1)
    expect(stringList(setting(dates[0]!, 'match'))).toEqual(['time', 'ISO8601'])
    expect(setting(dates[0]!, 'target')).toBe('@timestamp')
    const copies = new Map(
      pluginsOf(events, 'filter', 'mutate').flatMap((plugin) => hashEntries(setting(plugin, 'copy'))),
    )
    expect(copies.get('type')).toBe('[event][action]')
    expect(copies.get('id')).toBe('[event][id]')
    expect(copies.get('source')).toBe('[service][name]')
  })

  test('cuts trace.id out of the traceparent header (the 32 hex digits between the first two dashes)', () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
    const traceparent = `00-${traceId}-00f067aa0ba902b7-01`
    const copies = new Map(
      pluginsOf(events, 'filter', 'mutate').flatMap((plugin) => hashEntries(setting(plugin, 'copy'))),
    )
    expect(copies.get('[@metadata][rabbitmq_headers][traceparent]')).toBe('[trace][id]')
    const traceGsubs = gsubs(events).filter(([field]) => field === '[trace][id]')
    expect(traceGsubs).toHaveLength(1)
    const [, pattern, replacement] = traceGsubs[0]!
    expect(applyGsub(traceparent, pattern, replacement)).toBe(traceId)
    // Only a well-formed header is copied at all.
    expect(events.regexes).toHaveLength(1)
    const guard = new RegExp(events.regexes[0]!)
    expect(guard.test(traceparent)).toBe(true)
    expect(guard.test('garbage')).toBe(false)
    expect(guard.test(`00-${traceId}-00f067aa0ba902b7`)).toBe(false)
  })

  test('stores each event once: its CloudEvents id is the document id, in a monthly index', () => {
    const outputs = pluginsOf(events, 'output', 'elasticsearch')
    const identified = outputs.filter((output) => setting(output, 'document_id') !== undefined)
    expect(identified).toHaveLength(1)
    const output = identified[0]!
    expect(setting(output, 'document_id')).toBe('%{id}')
    // Only where there is an id: otherwise every such message would overwrite one "%{id}" document.
    expect(output.conditions).toEqual(['[ id ]'])
    for (const each of outputs) {
      expect(stringList(setting(each, 'hosts'))).toEqual(['http://elasticsearch:9200'])
      expect(setting(each, 'index')).toBe('careforall-events-%{+YYYY.MM}')
      expect(setting(each, 'manage_template')).toBe('false')
      expect(setting(each, 'data_stream')).toBe('false')
    }
    const index = indexFor('careforall-events-%{+YYYY.MM}', new Date('2026-12-04T11:40:41.123Z'))
    expect(index).toBe('careforall-events-2026.12')
    expect(eventsTemplate.index_patterns.some((pattern) => globMatches(pattern, index))).toBe(true)
  })
})

describe('Elasticsearch index templates', () => {
  for (const [name, template] of [
    ['careforall-logs', logsTemplate],
    ['careforall-events', eventsTemplate],
  ] as const) {
    test(`${name} is a composable template for one shard and no replica, with known field types`, () => {
      for (const key of Object.keys(template)) expect(COMPOSABLE_TEMPLATE_KEYS.has(key)).toBe(true)
      expect(template.index_patterns).toEqual([`${name}-*`])
      expect(template.priority).toBeGreaterThan(100)
      expect(template.template.settings.number_of_shards).toBe(1)
      expect(template.template.settings.number_of_replicas).toBe(0)
      for (const [field, mapping] of everyMapping(template.template.mappings.properties)) {
        if (mapping.properties) expect(mapping.type === undefined || mapping.type === 'object').toBe(true)
        else expect(FIELD_TYPES.has(String(mapping.type)), `${field}: ${mapping.type}`).toBe(true)
      }
      expect(mappingOf(template, '@timestamp')?.type).toBe('date')
      expect(mappingOf(template, 'message')?.type).toBe('text')
    })
  }

  test('the logs template maps every field the logs pipeline writes', () => {
    const written = writtenFields(logs)
    for (const ecs of Object.values(ECS_RENAMES)) expect(written.has(fieldPath(ecs))).toBe(true)
    for (const field of written) {
      expect(mappingOf(logsTemplate, field)?.type, field).toBeDefined()
    }
    for (const ecs of Object.values(ECS_RENAMES))
      expect(mappingOf(logsTemplate, fieldPath(ecs))?.type).toBe('keyword')
    expect(mappingOf(logsTemplate, 'event.dataset')?.type).toBe('keyword')
    expect(mappingOf(logsTemplate, 'tags')?.type).toBe('keyword')
  })

  test('the events template maps the envelope, data as flattened, and every field the pipeline writes', () => {
    for (const field of writtenFields(events)) {
      expect(mappingOf(eventsTemplate, field)?.type, field).toBeDefined()
    }
    expect(mappingOf(eventsTemplate, 'data')?.type).toBe('flattened')
    for (const field of ['specversion', 'id', 'source', 'type', 'subject', 'datacontenttype']) {
      expect(mappingOf(eventsTemplate, field)?.type).toBe('keyword')
    }
    expect(mappingOf(eventsTemplate, 'time')?.type).toBe('date')
  })

  test('setup.sh installs every template file under its own name', () => {
    const script = readFileSync(SETUP_SH, 'utf8')
    expect(script).toContain('"$TEMPLATES"/*.json')
    expect(script).toContain('/_index_template/$name')
    expect(readdirSync(TEMPLATES).sort()).toEqual(['careforall-events.json', 'careforall-logs.json'])
  })
})

describe('Kibana', () => {
  test('kibana.yml listens on every interface and reads elasticsearch:9200', () => {
    const settings = parse(readFileSync(KIBANA_YML, 'utf8')) as Record<string, unknown>
    expect(settings['server.host']).toBe('0.0.0.0')
    expect(settings['elasticsearch.hosts']).toEqual(['http://elasticsearch:9200'])
  })

  test('the saved objects are one data view per index template, on @timestamp', () => {
    const objects = readFileSync(KIBANA_OBJECTS, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string; id: string; attributes: Record<string, string> })
    expect(objects.map((object) => object.type)).toEqual(['index-pattern', 'index-pattern'])
    expect(objects.map((object) => object.attributes.title).sort()).toEqual(
      [...eventsTemplate.index_patterns, ...logsTemplate.index_patterns].sort(),
    )
    for (const object of objects) expect(object.attributes.timeFieldName).toBe('@timestamp')
  })
})

describe('Filebeat', () => {
  const providers = filebeat['filebeat.autodiscover'].providers as {
    type: string
    'hints.enabled': boolean
    templates: { condition: { regexp: Record<string, string> }; config: Record<string, unknown>[] }[]
  }[]

  test('autodiscovers docker containers with templates only (hints off)', () => {
    expect(providers).toHaveLength(1)
    expect(providers[0]!.type).toBe('docker')
    expect(providers[0]!['hints.enabled']).toBe(false)
    expect(filebeat['filebeat.inputs']).toBeUndefined()
  })

  test('keeps exactly the containers of our services, by their compose service label', () => {
    const templates = providers[0]!.templates
    expect(templates).toHaveLength(1)
    const regexp = templates[0]!.condition.regexp
    const pattern = regexp['docker.container.labels.com.docker.compose.service']
    expect(pattern).toBeDefined()
    const regex = new RegExp(pattern!)
    expect(SERVICES.length).toBeGreaterThanOrEqual(7)
    for (const service of SERVICES) expect(regex.test(service)).toBe(true)
    for (const other of [
      'postgres',
      'rabbitmq',
      'filebeat',
      'logstash',
      'otel-collector',
      'elasticsearch-setup',
    ]) {
      expect(regex.test(other)).toBe(false)
    }
  })

  test('reads each container’s json-file log with the container parser, then decodes the JSON into the root', () => {
    const config = providers[0]!.templates[0]!.config
    expect(config).toHaveLength(1)
    const input = config[0]! as {
      type: string
      id: string
      paths: string[]
      parsers: Record<string, Record<string, unknown>>[]
    }
    expect(input.type).toBe('filestream')
    expect(input.id).toContain(CONTAINER_ID)
    expect(input.paths).toEqual([`/var/lib/docker/containers/${CONTAINER_ID}/*.log`])
    expect(input.parsers.map((parser) => Object.keys(parser)[0])).toEqual(['container', 'ndjson'])
    const ndjson = input.parsers[1]!.ndjson!
    // Into the root, so the fields keep their names; errors marked, for Logstash's _not_json tag.
    expect(ndjson.target).toBe('')
    expect(ndjson.add_error_key).toBe(true)
    // No message_key: a line logged with fields only (no message) is still JSON, not an error.
    expect(ndjson.message_key).toBeUndefined()
  })
})

describe('a real log line from @careforall/logger', () => {
  function logOneLine(): Record<string, unknown> {
    const lines: string[] = []
    const logger = createLogger({
      serviceName: 'pledge-service',
      destination: { write: (line: string) => void lines.push(line) },
    })
    logger.child({ requestId: 'req_789', userId: 'user_123' }).info('request completed')
    expect(lines).toHaveLength(1)
    return JSON.parse(lines[0]!) as Record<string, unknown>
  }

  test('has the fields the logs pipeline renames', () => {
    const line = logOneLine()
    expect(Object.keys(line)).toEqual(
      expect.arrayContaining(['timestamp', 'level', 'serviceName', 'message', 'requestId', 'userId']),
    )
    expect(line.serviceName).toBe('pledge-service')
    expect(line.message).toBe('request completed')
    // Each of its fields is renamed to ECS, or is the date filter's source, or is `message`.
    const renamed = new Set(Object.keys(ECS_RENAMES))
    for (const key of Object.keys(line)) {
      expect(renamed.has(key) || key === 'timestamp' || key === 'message', key).toBe(true)
    }
    // The date filter's ISO8601 reads what the logger writes.
    expect(String(line.timestamp)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  })

  test('has no field that collides with an ECS object the pipeline writes', () => {
    const ecsRoots = new Set([...writtenFields(logs)].map((field) => field.split('.')[0]!))
    ecsRoots.delete('@timestamp')
    ecsRoots.delete('upstream')
    for (const key of Object.keys(logOneLine())) expect(ecsRoots.has(key), key).toBe(false)
  })
})
