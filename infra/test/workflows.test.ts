// The GitHub Actions workflows, checked without GitHub. Each file is read and converted by
// @actions/workflow-parser, the parser of GitHub's Actions language server and VS Code extension:
// the workflow schema, each key's allowed expression contexts and the jobs' `needs` graph, so
// what GitHub would reject on push fails here. Then yamllint, shellcheck on every `run:` script,
// and the rules of DESIGN.md's CI section: tests on every push and pull request, only what is
// affected, images tagged with their version and the sha, versions from changesets.
import { describe, expect, test } from 'bun:test'
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { parse } from 'yaml'

const root = join(import.meta.dir, '../..')
const workflowsDir = join(root, '.github/workflows')
const files = readdirSync(workflowsDir).filter((file) => file.endsWith('.yml'))

interface Step {
  name?: string
  id?: string
  if?: string
  uses?: string
  run?: string
  with?: Record<string, string | boolean>
  env?: Record<string, string>
}
interface Job {
  if?: string
  needs?: string | string[]
  permissions?: Record<string, string>
  steps: Step[]
}
interface Workflow {
  on: Record<string, { branches?: string[] } | null>
  concurrency?: { group: string; 'cancel-in-progress': boolean | string }
  permissions?: Record<string, string>
  jobs: Record<string, Job>
}

/** The inputs of changesets/action v2 (its action.yml), the line that goes with @changesets/cli 3. */
const CHANGESETS_ACTION_INPUTS = [
  ...['github-token', 'publish-script', 'version-script', 'commit-message', 'pr-title', 'pr-draft'],
  ...['pr-base-branch', 'create-github-releases', 'push-git-tags', 'push-with-git-cli', 'cwd'],
]

/** `${{ body }}`: a GitHub Actions expression. */
const expression = (body: string) => `\${{ ${body} }}`
const read = (file: string) => readFileSync(join(workflowsDir, file), 'utf8')
const workflow = (file: string) => parse(read(file)) as Workflow
const steps = (w: Workflow) =>
  Object.entries(w.jobs).flatMap(([job, { steps }]) => steps.map((s) => ({ job, ...s })))
const rootScripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts

/** Everything the parser reports for one workflow file: parse errors, then conversion errors. */
async function problems(name: string, content: string): Promise<string[]> {
  const { context, value } = parseWorkflow({ name, content }, new NoOperationTraceWriter())
  if (value) await convertWorkflowTemplate(context, value)
  return context.errors.getErrors().map((error) => error.message)
}

describe('the workflow check itself', () => {
  const job = (lines: string) => `on: push\njobs:\n  build:\n${lines}`
  test.each([
    [
      'a job without runs-on',
      job('    steps:\n      - run: echo\n'),
      'Required property is missing: runs-on',
    ],
    [
      'an unknown event',
      'on: pushed\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n',
      "'pushed'",
    ],
    [
      'a context that does not exist',
      job(`    runs-on: x\n    steps:\n      - run: echo ${expression('nope.x')}\n`),
      "'nope'",
    ],
    [
      'a step with both uses and run',
      job('    runs-on: x\n    steps:\n      - uses: a/b@v1\n        run: x\n'),
      "'run'",
    ],
    [
      'a context where it is not available',
      job(`    runs-on: ${expression('steps.a.outputs.b')}\n    steps: []\n`),
      "'steps'",
    ],
  ])('fails %s', async (_what, content, expected) => {
    const found = await problems('broken.yml', content)
    expect(found.join('\n')).toContain(expected)
  })
})

describe.each(files)('%s', (file) => {
  const w = workflow(file)

  test('has nothing @actions/workflow-parser reports', async () => {
    expect(await problems(`.github/workflows/${file}`, read(file))).toEqual([])
  })

  test('passes yamllint', () => {
    const config = join(root, 'infra/.yamllint.yml')
    const result = Bun.spawnSync(['yamllint', '--strict', '-c', config, join(workflowsDir, file)], {
      stdout: 'pipe',
    })
    expect(result.stdout.toString()).toBe('')
    expect(result.exitCode).toBe(0)
  })

  test('pins every action to a release (a major tag or a commit), never a branch', () => {
    const uses = steps(w).flatMap((step) => (step.uses ? [step.uses] : []))
    expect(uses.length).toBeGreaterThan(0)
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/)
  })

  test('runs scripts that pass shellcheck and take values through env, not through expressions', () => {
    const runs = steps(w).filter((step) => step.run)
    // An expression is pasted into the script before it runs (script injection): values go through env.
    for (const step of runs) expect(step.run).not.toMatch(/\$\{\{/)
    // GitHub runs them with `bash --noprofile --norc -eo pipefail {0}`.
    const dir = mkdtempSync(join(tmpdir(), 'cfa-workflow-'))
    try {
      const paths = runs.map((step, i) => {
        const path = join(dir, `${step.job}-${i}-${(step.name ?? 'run').replace(/\W+/g, '-')}.sh`)
        writeFileSync(path, `#!/usr/bin/env bash\nset -eo pipefail\n${step.run}`)
        return path
      })
      const result = Bun.spawnSync(['shellcheck', '--format=gcc', ...paths], { stdout: 'pipe' })
      expect(result.stdout.toString().replaceAll(`${dir}/`, '')).toBe('')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('calls only package.json scripts and .github/scripts that exist', () => {
    const commands = steps(w).flatMap((step) => [
      step.run ?? '',
      ...Object.values(step.with ?? {}).map(String),
    ])
    const text = commands.join('\n')
    const scripts = [...text.matchAll(/\bbun run (?:--\S+ )*([\w:-]+)/g)].map(([, script]) => script ?? '')
    expect(scripts.length).toBeGreaterThan(0)
    expect(scripts.filter((script) => !(script in rootScripts))).toEqual([])
    const helpers = [...text.matchAll(/\.github\/scripts\/[\w.-]+/g)].map(([path]) => path)
    expect(helpers.filter((path) => (statSync(join(root, path)).mode & 0o111) === 0)).toEqual([])
  })
})

describe('ci.yml', () => {
  const ci = workflow('ci.yml')
  const all = steps(ci)

  test('runs on every push and every pull request', () => {
    expect(ci.on).toEqual({ push: null, pull_request: null })
  })

  test("tests only what a pull request affects (turbo's affected filter), and everything on main", () => {
    const affected = all.find((step) =>
      /turbo run .*(--filter='?\.\.\.\[origin\/main\]'?|--affected)/.test(step.run ?? ''),
    )
    expect(affected?.if).toContain("github.event_name == 'pull_request'")
    expect(all.find((step) => step.run === 'bun run test')?.if).toContain("github.ref == 'refs/heads/main'")
  })

  test('builds, without pushing, the images a pull request affects', () => {
    const { image, 'image-plan': plan } = ci.jobs
    expect(plan?.if).toBe("github.event_name == 'pull_request'")
    expect(plan?.steps.some((step) => step.run?.includes('.github/scripts/plan-images.sh'))).toBe(true)
    expect(image?.needs).toBe('image-plan')
    const build = image?.steps.find((step) => step.uses?.startsWith('docker/build-push-action@'))
    expect(build?.with).toMatchObject({ context: '.', push: false })
  })

  test('runs changeset status against origin/main on pull requests', () => {
    const { changeset } = ci.jobs
    expect(changeset?.if).toStartWith("github.event_name == 'pull_request'")
    expect(changeset?.steps.some((step) => step.run?.includes('changeset status --since=origin/main'))).toBe(
      true,
    )
  })
})

describe('release.yml', () => {
  const release = workflow('release.yml')
  const all = steps(release)

  test('runs on pushes to main, one at a time', () => {
    expect(release.on).toEqual({ push: { branches: ['main'] } })
    expect(release.concurrency).toEqual({ group: 'release', 'cancel-in-progress': false })
  })

  test('versions and tags with changesets/action, using only inputs its v2 has', () => {
    const changesets = all.find((step) => step.uses?.startsWith('changesets/action@'))
    expect(changesets?.uses).toBe('changesets/action@v2')
    // v2 throws on v1's names (`version`, `publish`, `commit`, ...).
    expect(CHANGESETS_ACTION_INPUTS).toEqual(expect.arrayContaining(Object.keys(changesets?.with ?? {})))
    expect(changesets?.with).toMatchObject({
      'version-script': 'bun run version-packages',
      'publish-script': 'bun run changeset git-tag',
    })
  })

  test("tags each image with its package.json version and the commit's short sha", () => {
    const tags = all.find((step) => step.id === 'tags')?.run ?? ''
    expect(tags).toContain(`$IMAGE:sha-\${GITHUB_SHA::7}`)
    expect(tags).toContain('$IMAGE:$VERSION')
    expect(tags).toContain('docker buildx imagetools inspect "$IMAGE:$VERSION"') // never overwritten
    const build = all.find((step) => step.uses?.startsWith('docker/build-push-action@'))
    expect(build?.with?.tags).toBe(expression('steps.tags.outputs.tags'))
  })

  test('grants write access only to the jobs that need it', () => {
    expect(release.permissions).toEqual({})
    const writes = Object.entries(release.jobs).flatMap(([job, { permissions = {} }]) =>
      Object.entries(permissions).flatMap(([scope, level]) =>
        level === 'write' ? [`${job}: ${scope}`] : [],
      ),
    )
    expect(writes.sort()).toEqual(['image: packages', 'release: contents', 'release: pull-requests'])
  })
})

describe('.changeset/config.json', () => {
  const cliDir = dirname(realpathSync(Bun.resolveSync('@changesets/cli/package.json', root)))
  const written = JSON.parse(readFileSync(join(root, '.changeset/config.json'), 'utf8'))

  test('versions and tags the private packages, from main', () => {
    expect(written).toMatchObject({
      baseBranch: 'main',
      access: 'restricted',
      changelog: '@changesets/cli/changelog',
      updateInternalDependencies: 'patch',
      privatePackages: { version: true, tag: true },
    })
  })

  test('is accepted by the @changesets/config that @changesets/cli uses, and names its schema', async () => {
    const { readConfig } = (await import(Bun.resolveSync('@changesets/config', cliDir))) as {
      readConfig: (
        cwd: string,
      ) => Promise<{ config?: { privatePackages: object }; warnings: string[]; errors?: string[] }>
    }
    const { config, warnings, errors } = await readConfig(root)
    expect({ warnings, errors }).toEqual({ warnings: [], errors: undefined })
    expect(config?.privatePackages).toEqual({ version: true, tag: true })
    const { version } = JSON.parse(
      readFileSync(Bun.resolveSync('@changesets/config/package.json', cliDir), 'utf8'),
    )
    expect(written.$schema).toBe(`https://unpkg.com/@changesets/config@${version}/schema.json`)
  })
})

describe('.github/scripts/plan-images.sh', () => {
  const script = join(root, '.github/scripts/plan-images.sh')
  const plan = (...args: string[]) => {
    const result = Bun.spawnSync([script, ...args], { cwd: root, stdout: 'pipe', stderr: 'pipe' })
    expect(result.stderr.toString()).not.toContain('error')
    expect(result.exitCode).toBe(0)
    return JSON.parse(result.stdout.toString()) as { name: string; image: string; version: string }[]
  }
  const versionAtHead = (dir: string) =>
    JSON.parse(Bun.spawnSync(['git', 'show', `HEAD:${dir}/package.json`], { cwd: root }).stdout.toString())
      .version

  test('passes shellcheck', () => {
    const result = Bun.spawnSync(['shellcheck', '--format=gcc', script], { stdout: 'pipe' })
    expect(result.stdout.toString()).toBe('')
  })

  test('plans nothing when nothing changed and nothing was released', () => {
    expect(plan('HEAD', 'HEAD')).toEqual([])
  })

  test('plans the services just released, and setup when packages/db was, at their versions', () => {
    const released = JSON.stringify([{ name: '@careforall/pledge-service' }, { name: '@careforall/db' }])
    expect(plan('HEAD', 'HEAD', released).map(({ name, image, version }) => [name, image, version])).toEqual([
      ['pledge-service', 'careforall/pledge-service', versionAtHead('apps/pledge-service')],
      ['setup', 'careforall/setup', versionAtHead('packages/devkit')],
    ])
  })

  test('plans every image when the Dockerfile they share changes', () => {
    const log = Bun.spawnSync(['git', 'log', '-1', '--format=%H', '--', 'infra/docker/service.Dockerfile'], {
      cwd: root,
    })
    const commit = log.stdout.toString().trim()
    const services = readdirSync(join(root, 'apps')).filter((dir) => dir.endsWith('-service'))
    expect(plan(`${commit}~1`, commit).map(({ name }) => name)).toEqual([...services.sort(), 'setup'])
  })
})
