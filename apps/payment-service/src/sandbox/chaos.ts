/**
 * How the sandbox misbehaves on purpose, like a real PSP on a bad day:
 * `dup=3,delayMs=0..2000,reorder=1,seed=42` delivers every webhook 3 times, each copy after a
 * random delay in 0–2000 ms, sends what is due in a shuffled order, with a PRNG seeded 42 (a
 * failing chaos run can be replayed). Empty means a well-behaved provider.
 */
export interface Chaos {
  /** Copies of each webhook (1 = no duplicates). */
  dup: number
  delayMinMs: number
  delayMaxMs: number
  reorder: boolean
  seed: number | null
}

export const NO_CHAOS: Chaos = { dup: 1, delayMinMs: 0, delayMaxMs: 0, reorder: false, seed: null }

export class ChaosSpecError extends Error {}

/** Parses a chaos spec; throws ChaosSpecError naming the part it could not read. */
export function parseChaos(spec: string): Chaos {
  const chaos = { ...NO_CHAOS }
  for (const part of spec.split(',').map((p) => p.trim())) {
    if (part === '') continue
    const [key, value = ''] = part.split('=', 2).map((s) => s.trim())
    if (key === 'dup' && /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 10) {
      chaos.dup = Number(value)
    } else if (key === 'delayMs' && /^\d+(\.\.\d+)?$/.test(value)) {
      const [min, max = min] = value.split('..').map(Number) as [number, number?]
      if (max < min || max > 600_000)
        throw new ChaosSpecError(`delayMs must be min..max within 10 minutes: ${part}`)
      chaos.delayMinMs = min
      chaos.delayMaxMs = max
    } else if (key === 'reorder' && (value === '0' || value === '1')) {
      chaos.reorder = value === '1'
    } else if (key === 'seed' && /^\d{1,10}$/.test(value)) {
      chaos.seed = Number(value)
    } else {
      throw new ChaosSpecError(
        `cannot read chaos setting "${part}" (dup=1..10, delayMs=a..b, reorder=0|1, seed=N)`,
      )
    }
  }
  return chaos
}

/** The canonical spec of a chaos setting (what GET /sandbox/v1/chaos shows). */
export function formatChaos(chaos: Chaos): string {
  const parts: string[] = []
  if (chaos.dup !== 1) parts.push(`dup=${chaos.dup}`)
  if (chaos.delayMaxMs > 0) parts.push(`delayMs=${chaos.delayMinMs}..${chaos.delayMaxMs}`)
  if (chaos.reorder) parts.push('reorder=1')
  if (chaos.seed !== null) parts.push(`seed=${chaos.seed}`)
  return parts.join(',')
}

/** mulberry32: a tiny seeded PRNG in [0, 1); Math.random when there is no seed. */
export function createRandom(seed: number | null): () => number {
  if (seed === null) return Math.random
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** The delay of each copy of one webhook. */
export function copyDelays(chaos: Chaos, random: () => number): number[] {
  return Array.from({ length: chaos.dup }, () =>
    Math.round(chaos.delayMinMs + random() * (chaos.delayMaxMs - chaos.delayMinMs)),
  )
}

/** Fisher–Yates with the given PRNG (the delivery order under `reorder=1`). */
export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}
