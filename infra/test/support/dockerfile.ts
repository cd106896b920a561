import { cp, mkdir, readFile } from 'node:fs/promises'
import { dirname, isAbsolute, join, posix } from 'node:path'
import { type Copy, DockerfileParser } from 'dockerfile-ast'

/**
 * Replays a Dockerfile's build without Docker: every stage gets its own folder standing for its
 * root filesystem, and its instructions run in order there. `COPY` copies from the build context
 * (filtered by `.dockerignore`, with Docker's rules) or from an earlier stage's folder, `RUN` runs
 * its shell command in the stage's working directory with the stage's `ARG`s and `ENV`s,
 * `WORKDIR`/`ENV`/`ARG` change what later steps see. The base image is this machine: its `bun`
 * must be the version the `FROM` pins (the caller checks). `USER` is not switched to.
 *
 * What comes back is the target stage as a container would start: its folder, working directory,
 * environment, `CMD` and `HEALTHCHECK` command, with image paths mapped into the folder.
 */
export interface ReplayedImage {
  root: string
  workdir: string
  env: Record<string, string>
  cmd: string[]
  healthcheck: string[] | undefined
}

export interface ReplayOptions {
  dockerfile: string
  context: string
  into: string
  target?: string
  buildArgs?: Record<string, string>
}

interface Stage {
  name: string
  root: string
  workdir: string
  args: Record<string, string>
  env: Record<string, string>
  cmd: string[]
  healthcheck: string[] | undefined
}

export async function replayDockerfile(options: ReplayOptions): Promise<ReplayedImage> {
  const text = await readFile(options.dockerfile, 'utf8')
  const instructions = DockerfileParser.parse(text).getInstructions()
  const buildArgs = options.buildArgs ?? {}
  const globalArgs: Record<string, string> = {}
  const stages: Stage[] = []
  let stage: Stage | undefined
  const contextFiles = await contextListing(options.context)

  for (const instruction of instructions) {
    const keyword = instruction.getKeyword()
    const content = instruction.getArgumentsContent() ?? ''
    if (!stage) {
      if (keyword === 'ARG') Object.assign(globalArgs, declareArg(content, buildArgs, globalArgs))
      else if (keyword !== 'FROM') throw new Error(`${keyword} before the first FROM`)
    }
    if (keyword === 'FROM') {
      // A target's stages are built; later ones are not (BuildKit skips stages nothing needs).
      if (stage && stage.name === options.target) break
      const [, as, name] = content.split(/\s+/)
      const root = join(options.into, `stage-${stages.length}`)
      await mkdir(root, { recursive: true })
      stage = {
        name: as?.toUpperCase() === 'AS' && name ? name : String(stages.length),
        root,
        workdir: '/',
        args: {},
        env: {},
        cmd: [],
        healthcheck: undefined,
      }
      stages.push(stage)
      continue
    }
    if (!stage) continue
    const vars = { ...stage.args, ...stage.env }
    const label = `${stage.name}: ${keyword} ${content.replace(/\s+/g, ' ').slice(0, 120)}`
    switch (keyword) {
      case 'ARG': {
        const [name = ''] = content.split('=')
        // A stage sees a global ARG only when it declares it again, as Docker does.
        const inherited = name in globalArgs ? { [name]: globalArgs[name] as string } : {}
        Object.assign(stage.args, declareArg(content, buildArgs, inherited))
        break
      }
      case 'ENV':
        for (const [name, value] of pairs(content)) stage.env[name] = expand(value, vars)
        break
      case 'WORKDIR':
        stage.workdir = posix.resolve(stage.workdir, expand(content, vars))
        await mkdir(hostPath(stage, stage.workdir), { recursive: true })
        break
      case 'COPY':
        await copy(instruction as Copy, stage, stages, contextFiles, options.context, vars)
        break
      case 'RUN': {
        const proc = Bun.spawn(['sh', '-c', content], {
          cwd: hostPath(stage, stage.workdir),
          env: { ...Bun.env, ...stage.args, ...stage.env },
          stdout: 'pipe',
          stderr: 'pipe',
        })
        const [code, out, err] = await Promise.all([
          proc.exited,
          new Response(proc.stdout).text(),
          new Response(proc.stderr).text(),
        ])
        if (code !== 0) throw new Error(`${label}\nexited ${code}\n${out}\n${err}`)
        break
      }
      case 'CMD':
        stage.cmd = execForm(content)
        break
      case 'HEALTHCHECK': {
        const command = content.replace(/^CMD\s+/, '')
        stage.healthcheck = content.trim() === 'NONE' ? undefined : execForm(command)
        break
      }
      case 'USER': // the replay runs as whoever runs the test
      case 'EXPOSE':
      case 'LABEL':
      case 'STOPSIGNAL':
        break
      default:
        throw new Error(`${label}: not replayed (add it to infra/test/support/dockerfile.ts)`)
    }
  }

  const target = options.target ? stages.find((s) => s.name === options.target) : stages.at(-1)
  if (!target) throw new Error(`no stage named ${options.target}`)
  const mapPath = (value: string) => (value.startsWith('/') ? hostPath(target, value) : value)
  return {
    root: target.root,
    workdir: hostPath(target, target.workdir),
    env: target.env,
    cmd: target.cmd.map(mapPath),
    healthcheck: target.healthcheck?.map(mapPath),
  }
}

function hostPath(stage: Pick<Stage, 'root'>, imagePath: string): string {
  return join(stage.root, imagePath)
}

function declareArg(
  content: string,
  buildArgs: Record<string, string>,
  inherited: Record<string, string>,
): Record<string, string> {
  const [name = '', ...rest] = content.split('=')
  const fallback = rest.length > 0 ? rest.join('=') : inherited[name]
  const value = buildArgs[name] ?? fallback
  return value === undefined ? { [name]: '' } : { [name]: value }
}

function pairs(content: string): [string, string][] {
  return [...content.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)].map((m) => [
    m[1] as string,
    (m[2] as string).replace(/^"(.*)"$/, '$1'),
  ])
}

/** Docker's `${NAME}` and `$NAME` substitution in ENV, WORKDIR, COPY and FROM. */
function expand(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, b) => {
    return vars[a ?? b] ?? ''
  })
}

function execForm(content: string): string[] {
  const parsed = JSON.parse(content) as unknown
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string'))
    throw new Error(`not an exec-form command: ${content}`)
  return parsed
}

async function copy(
  instruction: Copy,
  stage: Stage,
  stages: Stage[],
  contextFiles: string[],
  context: string,
  vars: Record<string, string>,
): Promise<void> {
  const parts = (instruction.getArgumentsContent() ?? '').split(/\s+/).map((p) => expand(p, vars))
  const destination = parts.pop() ?? ''
  const dest = hostPath(stage, posix.resolve(stage.workdir, destination))
  const from = instruction.getFromFlag()?.getValue()
  if (from) {
    const source = stages.find((s) => s.name === from)
    if (!source) throw new Error(`COPY --from=${from}: no such stage`)
    for (const part of parts) {
      const src = hostPath(source, posix.resolve(source.workdir, part))
      // A file copied into a folder (`./`) keeps its name; a folder's contents go to dest.
      const target = destination.endsWith('/') ? join(dest, posix.basename(part)) : dest
      await mkdir(dirname(target), { recursive: true })
      // cp -a: symlinks stay links (the workspace's node_modules are made of them); -l: files are
      // hard links, since no later step writes to a copied file (a few hundred MB of modules).
      const proc = Bun.spawn(['cp', '-al', '--', src, target], { stderr: 'pipe' })
      if ((await proc.exited) !== 0)
        throw new Error(`COPY --from=${from} ${part}: ${await new Response(proc.stderr).text()}`)
    }
    return
  }
  for (const part of parts) {
    const prefix = posix.normalize(part) === '.' ? '' : `${posix.normalize(part)}/`
    for (const file of contextFiles) {
      if (prefix && !file.startsWith(prefix) && file !== prefix.slice(0, -1)) continue
      const target = join(dest, file.slice(prefix.length) || posix.basename(file))
      await mkdir(dirname(target), { recursive: true })
      await cp(join(context, file), target, { verbatimSymlinks: true })
    }
  }
}

/**
 * The files a build context sends: the repository's files (tracked or new, not git-ignored), minus
 * what `.dockerignore` excludes. Docker's rules: patterns are relative to the context root, `**`
 * spans folders, a pattern that matches a folder excludes everything in it, `!` re-includes, and
 * the last matching line wins.
 */
export async function contextListing(context: string): Promise<string[]> {
  const git = Bun.spawnSync(['git', 'ls-files', '-co', '--exclude-standard', '-z'], { cwd: context })
  if (git.exitCode !== 0) throw new Error(`git ls-files failed in ${context}`)
  const files = git.stdout.toString().split('\0').filter(Boolean)
  const rules = await dockerignoreRules(context)
  const present = await Promise.all(files.map((file) => Bun.file(join(context, file)).exists()))
  return files.filter((file, i) => present[i] && !ignored(file, rules))
}

interface IgnoreRule {
  glob: Bun.Glob
  negated: boolean
}

async function dockerignoreRules(context: string): Promise<IgnoreRule[]> {
  const text = await readFile(join(context, '.dockerignore'), 'utf8').catch(() => '')
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!')
      const pattern = posix.normalize((negated ? line.slice(1) : line).replace(/^\/+/, ''))
      if (isAbsolute(pattern)) throw new Error(`odd .dockerignore pattern ${line}`)
      return { glob: new Bun.Glob(pattern), negated }
    })
}

export function ignored(file: string, rules: IgnoreRule[]): boolean {
  const segments = file.split('/')
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'))
  let excluded = false
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.glob.match(candidate))) excluded = !rule.negated
  }
  return excluded
}
