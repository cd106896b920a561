// CPU use of the platform's processes over a window, from /proc: each service (a Bun process whose
// working directory is apps/<name>), PostgreSQL and RabbitMQ, and how idle the machine stayed.
import { readdir, readlink } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { cpuSeconds } from './totals-load'

interface Snapshot {
  at: number
  /** pid → [group, CPU seconds so far] */
  processes: Map<string, [string, number]>
  /** Jiffies of the whole machine: [busy, total]. */
  machine: [number, number]
}

async function groupOf(pid: string): Promise<string | undefined> {
  const comm = (
    await Bun.file(`/proc/${pid}/comm`)
      .text()
      .catch(() => '')
  ).trim()
  if (comm === 'postgres') return 'postgres'
  if (comm === 'beam.smp') return 'rabbitmq'
  if (!comm.startsWith('bun')) return undefined
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '')
  const match = /\/apps\/([a-z-]+)$/.exec(cwd)
  return match?.[1]
}

export async function snapshot(): Promise<Snapshot> {
  const processes = new Map<string, [string, number]>()
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue
    const group = await groupOf(pid)
    const seconds = group ? await cpuSeconds(Number(pid)) : undefined
    if (group && seconds !== undefined) processes.set(pid, [group, seconds])
  }
  const cpu = (await Bun.file('/proc/stat').text()).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  const total = cpu.reduce((sum, value) => sum + value, 0)
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0)
  return { at: performance.now(), processes, machine: [total - idle, total] }
}

/**
 * Each group's share of the machine's cores between two snapshots, largest first, the CPU seconds
 * behind each share, and the idle share.
 */
export function shares(
  from: Snapshot,
  to: Snapshot,
): { groups: [string, number][]; seconds: Map<string, number>; idle: number } {
  const capacity = ((to.at - from.at) / 1000) * availableParallelism()
  const used = new Map<string, number>()
  for (const [pid, [group, seconds]] of to.processes) {
    // A process that started inside the window spent all its CPU inside it.
    const before = from.processes.get(pid)?.[1] ?? 0
    used.set(group, (used.get(group) ?? 0) + seconds - before)
  }
  const groups = [...used].map(([group, seconds]) => [group, seconds / capacity] as [string, number])
  const busy = (to.machine[0] - from.machine[0]) / Math.max(1, to.machine[1] - from.machine[1])
  return { groups: groups.sort((a, b) => b[1] - a[1]), seconds: used, idle: 1 - busy }
}
