import { describe, expect, test } from 'bun:test'
import { coalesce } from './coalesce'

describe('coalesce', () => {
  test('an item alone is written at once; items arriving meanwhile go out together next', async () => {
    const batches: number[][] = []
    let release: () => void = () => undefined
    const write = coalesce(async (items: number[]) => {
      batches.push(items)
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve))
    })
    const first = write(1)
    const rest = [write(2), write(3), write(4)]
    expect(batches).toEqual([[1]])
    release()
    await Promise.all([first, ...rest])
    expect(batches).toEqual([[1], [2, 3, 4]])
  })

  test('a failed batch rejects exactly its own callers, and the next batch still runs', async () => {
    let calls = 0
    let release: () => void = () => undefined
    const write = coalesce(async (items: string[]) => {
      calls++
      if (calls === 1) await new Promise<void>((resolve) => (release = resolve))
      if (items.includes('bad')) throw new Error('refused')
    })
    const outcome = (promise: Promise<void>) =>
      promise.then(
        () => 'written',
        (error: Error) => error.message,
      )
    const ok = outcome(write('a'))
    const bad = outcome(write('bad'))
    const sameBatch = outcome(write('b'))
    release()
    expect(await Promise.all([ok, bad, sameBatch])).toEqual(['written', 'refused', 'refused'])
    expect(await outcome(write('c'))).toBe('written')
    expect(calls).toBe(3)
  })

  test('a write that throws instead of rejecting fails its batch and does not stall the next', async () => {
    let calls = 0
    const write = coalesce((items: string[]): Promise<void> => {
      calls++
      if (items.includes('bad')) throw new Error('thrown')
      return Promise.resolve()
    })
    expect(await write('bad').catch((error: Error) => error.message)).toBe('thrown')
    await write('good')
    expect(calls).toBe(2)
  })
})
