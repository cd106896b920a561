import { describe, expect, it } from 'bun:test'
import type { CampaignStatus } from '@careforall/contracts'
import { allowedMoves, assertMove, IllegalMoveError, isEditable } from './lifecycle'

const ALL: CampaignStatus[] = ['DRAFT', 'ACTIVE', 'PAUSED', 'COMPLETED']
const LEGAL = new Set([
  'DRAFT>ACTIVE',
  'ACTIVE>PAUSED',
  'PAUSED>ACTIVE',
  'ACTIVE>COMPLETED',
  'PAUSED>COMPLETED',
])

describe('campaign lifecycle', () => {
  for (const from of ALL) {
    for (const to of ALL) {
      const legal = LEGAL.has(`${from}>${to}`)
      it(`${legal ? 'allows' : 'refuses'} ${from} → ${to}`, () => {
        if (legal) expect(() => assertMove(from, to)).not.toThrow()
        else expect(() => assertMove(from, to)).toThrow(IllegalMoveError)
      })
    }
  }

  it('names the allowed moves when it refuses one', () => {
    try {
      assertMove('DRAFT', 'PAUSED')
      throw new Error('expected a refusal')
    } catch (error) {
      expect(error).toBeInstanceOf(IllegalMoveError)
      expect((error as IllegalMoveError).allowed).toEqual(['ACTIVE'])
      expect((error as Error).message).toBe('A DRAFT campaign can move to ACTIVE, not PAUSED')
    }
  })

  it('has no way out of COMPLETED and freezes its fields', () => {
    expect(allowedMoves('COMPLETED')).toEqual([])
    expect(isEditable('COMPLETED')).toBe(false)
    expect(isEditable('PAUSED')).toBe(true)
  })
})
