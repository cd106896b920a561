import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import axe from 'axe-core'
import { type Browser, chromium, type Page } from 'playwright-core'
import { e2eEnv } from './env'

/**
 * Debian's Chromium, headless, driven by playwright-core (never `playwright install`: these
 * machines reach only the npm registry and Debian). The flags keep it from calling Google's
 * hosts, which this closed network refuses, and let it run as root in a container.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!(await Bun.file(e2eEnv.CHROMIUM_PATH).exists())) {
    throw new Error(`no Chromium at ${e2eEnv.CHROMIUM_PATH}: apt-get install chromium (.ci/run does)`)
  }
  return chromium.launch({
    executablePath: e2eEnv.CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  targets: string[]
}

/**
 * Runs axe-core in the page (its own script, injected; the panel's CSP does not apply to what the
 * test evaluates) and returns the violations of WCAG 2.x A and AA rules.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe.source)
  return page.evaluate(async () => {
    const result = await (
      globalThis as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[]
          }>
        }
      }
    ).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }))
  })
}

const screenshotDir =
  e2eEnv.SCREENSHOT_DIR ?? new URL('../.test-results/screenshots', import.meta.url).pathname

/** A full-page screenshot kept as a test artifact (`.test-results/screenshots/<name>.png`). */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true })
  const path = join(screenshotDir, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
