/**
 * argon2id at OWASP's minimum cost (19 MiB, t=2, p=1). Bun's default cost manages about ten
 * verifies a second on two cores: an easy denial of service on the login endpoint.
 */
const HASH_OPTIONS = { algorithm: 'argon2id', memoryCost: 19_456, timeCost: 2 } as const

export const PASSWORD_MIN = 12
export const PASSWORD_MAX = 128

export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, HASH_OPTIONS)
}

/** Always the async verify: the sync one would block the event loop for every login. */
export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return Bun.password.verify(password, hash)
}

let dummyHash: Promise<string> | undefined

/**
 * Verifies against a hash of nothing anyone knows, so a login for an unknown email costs the same
 * time as a wrong password and accounts cannot be enumerated by timing.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(crypto.randomUUID() + crypto.randomUUID())
  await verifyPassword(password, await dummyHash)
  return false
}
