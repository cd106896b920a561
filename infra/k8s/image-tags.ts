/**
 * Sets each `careforall/<name>` image tag in the production overlay to that workspace's
 * package.json version (services from apps/, `careforall/setup` from packages/devkit), keeping
 * the file's comments. Part of `bun run version-packages`, so a version bump and the tag the
 * cluster runs move together (infra/test/k8s.test.ts fails when they differ).
 * `--check` changes nothing and exits 1 when a tag is behind.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseDocument, type YAMLMap, type YAMLSeq } from 'yaml'

const root = new URL('../..', import.meta.url).pathname
const overlay = join(root, 'infra/k8s/overlays/production/kustomization.yaml')

function versionOf(image: string): string {
  const name = image.replace(/^careforall\//, '')
  const dir = name === 'setup' ? 'packages/devkit' : `apps/${name}`
  return (JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { version: string }).version
}

const document = parseDocument(readFileSync(overlay, 'utf8'))
const images = document.get('images') as YAMLSeq<YAMLMap> | undefined
const behind: string[] = []
for (const image of images?.items ?? []) {
  const name = String(image.get('name'))
  if (!name.startsWith('careforall/')) continue
  const version = versionOf(name)
  if (String(image.get('newTag')) === version) continue
  behind.push(`${name}: ${image.get('newTag')} -> ${version}`)
  image.set('newTag', version)
}
if (process.argv.includes('--check')) {
  if (behind.length > 0) {
    console.error(`image tags behind their versions:\n  ${behind.join('\n  ')}`)
    process.exit(1)
  }
} else if (behind.length > 0) {
  writeFileSync(overlay, document.toString())
  process.stdout.write(`image tags set: ${behind.join(', ')}\n`)
}
