import { describe, expect, it } from 'bun:test'
import { donorKeyOf, isValidReceiptToken, receiptTokenOf } from './donor'

const secret = 'a-secret-of-sixteen+'

describe('donor keys', () => {
  it('names a signed-in donor by user id', () => {
    expect(donorKeyOf({ userId: 'abc', email: 'x@y.z' }, secret)).toBe('u:abc')
  })

  it('names a guest by a keyed hash of the normalized email, the same for every spelling', () => {
    const key = donorKeyOf({ email: ' Ada@Example.com ' }, secret)
    expect(key).toMatch(/^g:[0-9a-f]{64}$/)
    expect(donorKeyOf({ email: 'ada@example.com' }, secret)).toBe(key)
    expect(key).not.toContain('ada')
    expect(donorKeyOf({ email: 'ada@example.com' }, 'another-secret-16+')).not.toBe(key)
  })
})

describe('receipt tokens', () => {
  it('accepts the token of its own pledge only', () => {
    const token = receiptTokenOf('pledge-1', secret)
    expect(isValidReceiptToken('pledge-1', token, secret)).toBe(true)
    expect(isValidReceiptToken('pledge-2', token, secret)).toBe(false)
    expect(isValidReceiptToken('pledge-1', `${token}x`, secret)).toBe(false)
    expect(isValidReceiptToken('pledge-1', '', secret)).toBe(false)
  })
})
