import { join } from 'node:path'
import type { Dashboard } from '@grafana/schema'
import { business } from './business'
import { database } from './database'
import { infrastructure } from './infrastructure'
import { serviceOverview } from './service-overview'

export const dashboards: Dashboard[] = [serviceOverview, infrastructure, business, database]

/** Where Grafana's file provider (provisioning/dashboards/dashboards.yml) finds them, via compose. */
export const outputDir = join(import.meta.dir, '..', 'dashboards')

/** Each dashboard as the file `<uid>.json` holds it: pretty-printed, with a trailing newline. */
export function renderDashboards(): { file: string; json: string }[] {
  return dashboards.map((dashboard) => {
    if (!dashboard.uid) throw new Error(`dashboard "${dashboard.title}" has no uid`)
    return { file: `${dashboard.uid}.json`, json: `${JSON.stringify(dashboard, null, 2)}\n` }
  })
}

if (import.meta.main) {
  for (const { file, json } of renderDashboards()) {
    await Bun.write(join(outputDir, file), json)
    process.stdout.write(`wrote ${join(outputDir, file)}\n`)
  }
}
