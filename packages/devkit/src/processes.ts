import type { Subprocess } from 'bun'
import { formatLine, prefixFor } from './log-format'

export interface ManagedProcess {
  name: string
  stop(): Promise<void>
}

export interface StartOptions {
  name: string
  index: number
  cwd: string
  cmd: string[]
  env: Record<string, string | undefined>
  raw: boolean
  color: boolean
}

/**
 * Runs one service, prefixing its log lines, and starts it again if it dies on its own (say,
 * PostgreSQL was still starting), with a growing pause so a broken service does not spin.
 */
export function startManaged(options: StartOptions): ManagedProcess {
  const prefix = prefixFor(options.name, options.index, options.color)
  let child: Subprocess<'ignore', 'pipe', 'pipe'> | undefined
  let stopping = false
  let failures = 0

  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder()
    let buffered = ''
    for await (const chunk of stream) {
      buffered += decoder.decode(chunk, { stream: true })
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        if (line.trim())
          process.stdout.write(`${prefix} ${options.raw ? line : formatLine(line, options.color)}\n`)
      }
    }
  }

  const launch = () => {
    const started = Date.now()
    child = Bun.spawn(options.cmd, {
      cwd: options.cwd,
      env: options.env,
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    })
    void pump(child.stdout)
    void pump(child.stderr)
    void child.exited.then((code) => {
      if (stopping) return
      failures = Date.now() - started > 30_000 ? 1 : failures + 1
      const delay = Math.min(10_000, 500 * 2 ** (failures - 1))
      process.stdout.write(`${prefix} exited with ${code}; restarting in ${delay} ms\n`)
      setTimeout(() => {
        if (!stopping) launch()
      }, delay)
    })
  }
  launch()

  return {
    name: options.name,
    stop: async () => {
      stopping = true
      if (!child || child.exitCode !== null) return
      child.kill('SIGTERM')
      const killed = await Promise.race([child.exited.then(() => true), Bun.sleep(15_000).then(() => false)])
      if (!killed) child.kill('SIGKILL')
    },
  }
}
