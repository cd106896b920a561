import { describe, expect, it } from 'bun:test'
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password'
import { hashToken, newOpaqueToken, normalizeEmail } from './secrets'

describe('passwords', () => {
  it('hashes with argon2id at 19 MiB, t=2', async () => {
    const hash = await hashPassword('correct horse battery')
    expect(hash).toStartWith('$argon2id$v=19$m=19456,t=2,p=1$')
    expect(await verifyPassword('correct horse battery', hash)).toBe(true)
    expect(await verifyPassword('wrong horse battery', hash)).toBe(false)
  })

  it('verifies an unknown account against a dummy hash and fails', async () => {
    expect(await verifyAgainstDummy('anything at all')).toBe(false)
  })
})

describe('secrets', () => {
  it('makes distinct opaque tokens and stores only their hash', () => {
    const a = newOpaqueToken()
    expect(a).not.toBe(newOpaqueToken())
    expect(a.length).toBeGreaterThanOrEqual(43)
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/)
    expect(hashToken(a)).not.toContain(a)
  })

  it('normalizes emails', () => {
    expect(normalizeEmail('  Ada@Example.COM ')).toBe('ada@example.com')
  })
})
