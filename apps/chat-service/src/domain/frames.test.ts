import { describe, expect, it } from 'bun:test'
import { readClientFrame } from './frames'

describe('readClientFrame', () => {
  it('takes the text and ignores a userId or userName the client claims', () => {
    expect(readClientFrame(JSON.stringify({ message: ' hi ', userId: 'forged', userName: 'Admin' }))).toEqual(
      {
        ok: true,
        text: 'hi',
      },
    )
  })

  it.each([
    ['not json', 'bad_frame'],
    ['{"text":"no message field"}', 'bad_frame'],
    ['{"message":42}', 'bad_frame'],
    ['{"message":"   "}', 'bad_frame'],
    ['{"message":"a\\u0000b"}', 'bad_frame'],
    [JSON.stringify({ message: 'x'.repeat(2001) }), 'too_long'],
    ['[]', 'bad_frame'],
    ['null', 'bad_frame'],
  ])('refuses %s with %s', (raw, code) => {
    expect(readClientFrame(raw)).toMatchObject({ ok: false, code })
  })

  it('counts characters, not UTF-16 units: 2,000 emoji fit', () => {
    expect(readClientFrame(JSON.stringify({ message: '🙂'.repeat(2000) })).ok).toBe(true)
  })

  it('refuses binary frames', () => {
    expect(readClientFrame(new Uint8Array([1, 2]))).toMatchObject({ ok: false, code: 'bad_frame' })
  })
})
