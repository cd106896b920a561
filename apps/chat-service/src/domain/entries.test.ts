import { describe, expect, it } from 'bun:test'
import { entriesAfter, type StoredMessage } from './entries'

const at = new Date('2026-12-04T10:00:00Z')
function row(seq: number, deletedSeq: number | null = null): StoredMessage {
  return {
    id: `00000000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    campaignId: '00000000-0000-7000-8000-000000000000',
    seq,
    userId: '00000000-0000-7000-8000-00000000000a',
    userName: 'Ada',
    message: `message ${seq}`,
    createdAt: at,
    deletedAt: deletedSeq === null ? null : at,
    deletedSeq,
  }
}
const described = (rows: StoredMessage[], after: number, full: boolean) =>
  entriesAfter(rows, after, full).map((e) => `${e.seq}:${e.frame.type}`)

describe('entriesAfter', () => {
  it('lists postings in order', () => {
    expect(described([row(3), row(4)], 2, false)).toEqual(['3:message', '4:message'])
  })

  it('shows a message removed since as a removal at both of its numbers', () => {
    expect(described([row(3, 5), row(4)], 2, false)).toEqual(['3:deleted', '4:message', '5:deleted'])
  })

  it('shows only the removal of a message seen before', () => {
    expect(described([row(1, 5), row(4)], 3, false)).toEqual(['4:message', '5:deleted'])
  })

  it('leaves for the next page what a cut page cannot prove complete', () => {
    // Rows come ordered by their first entry after 10: 11 (removed at 15), 12; 13 and 14 are cut.
    expect(described([row(11, 15), row(12)], 10, true)).toEqual(['11:deleted', '12:message'])
  })

  it('keeps every text as text: nothing is escaped or interpreted', () => {
    const html = { ...row(7), message: '<img src=x onerror=alert(1)>' }
    expect(entriesAfter([html], 6, false)[0]!.frame).toMatchObject({
      message: '<img src=x onerror=alert(1)>',
    })
  })
})
