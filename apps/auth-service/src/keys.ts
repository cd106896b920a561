import { type Queryable, type Sql, withTransaction } from '@careforall/db'
import { ACCESS_TOKEN_TTL_SECONDS, ACCESS_TOKEN_TYPE, TOKEN_AUDIENCE, TOKEN_ISSUER } from '@careforall/http'
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose'

const ALG = 'EdDSA'
/** A retired key stays published this long: every token it signed has expired by then. */
const RETIRED_GRACE_SECONDS = ACCESS_TOKEN_TTL_SECONDS + 5 * 60
const RELOAD_MS = 60_000

interface KeyRow {
  kid: string
  publicJwk: JWK
  privateJwk: JWK
  retiredAt: Date | null
}

/** Creates an Ed25519 key pair row; the caller holds the key lock. */
async function insertKey(tx: Queryable): Promise<void> {
  const { publicKey, privateKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true })
  const kid = Bun.randomUUIDv7()
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' }
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALG }
  await tx`insert into signing_keys (kid, alg, public_jwk, private_jwk)
           values (${kid}, ${ALG}, ${tx.json(publicJwk)}, ${tx.json(privateJwk)})`
}

/** Makes sure one active key exists (first start, or several instances starting at once). */
export async function ensureActiveKey(sql: Sql): Promise<void> {
  await withTransaction(sql, async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('careforall.auth.signing-keys'))`
    const [active] = await tx`select kid from signing_keys where retired_at is null`
    if (!active) await insertKey(tx)
  })
}

/** Retires the active key and makes a new one (`bun run rotate-keys`). Returns the new kid. */
export async function rotateKey(sql: Sql): Promise<string> {
  return withTransaction(sql, async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('careforall.auth.signing-keys'))`
    await tx`update signing_keys set retired_at = now() where retired_at is null`
    await insertKey(tx)
    const [row] = await tx<{ kid: string }[]>`select kid from signing_keys where retired_at is null`
    return row!.kid
  })
}

export interface AccessClaims {
  userId: string
  role: 'donor' | 'admin'
  sessionId: string
}

/**
 * The keys this instance signs and verifies with, reloaded every minute (and at once on an unknown
 * `kid`) so a rotation made by another instance or the CLI is picked up without a restart.
 */
export class KeyRing {
  private active: { kid: string; key: CryptoKey } | undefined
  private jwks: JSONWebKeySet = { keys: [] }
  private localSet: JWTVerifyGetKey = createLocalJWKSet(this.jwks)
  private loadedAt = 0

  constructor(private readonly sql: Sql) {}

  async load(): Promise<void> {
    const rows = await this.sql<KeyRow[]>`
      select kid, public_jwk, private_jwk, retired_at from signing_keys
      where retired_at is null or retired_at > now() - make_interval(secs => ${RETIRED_GRACE_SECONDS})
      order by created_at desc`
    const current = rows.find((row) => row.retiredAt === null)
    if (!current) {
      await ensureActiveKey(this.sql) // first start: make the first key, then read it back
      return this.load()
    }
    this.active = { kid: current.kid, key: (await importJWK(current.privateJwk, ALG)) as CryptoKey }
    this.jwks = { keys: rows.map((row) => row.publicJwk) }
    this.localSet = createLocalJWKSet(this.jwks)
    this.loadedAt = Date.now()
  }

  private async fresh(): Promise<void> {
    if (!this.active || Date.now() - this.loadedAt > RELOAD_MS) await this.load()
  }

  /** The public keys, for `/.well-known/jwks.json`. */
  async publicKeys(): Promise<JSONWebKeySet> {
    await this.fresh()
    return this.jwks
  }

  /** A 15-minute access token: EdDSA, `kid`, `typ: at+jwt`, `iss`, `aud`, `sub`, `sid`, `role`. */
  async sign(claims: AccessClaims): Promise<string> {
    await this.fresh()
    const active = this.active!
    return new SignJWT({ role: claims.role, sid: claims.sessionId })
      .setProtectedHeader({ alg: ALG, kid: active.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(claims.userId)
      .setJti(Bun.randomUUIDv7())
      .setIssuedAt()
      .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(active.key)
  }

  /** Key lookup for the auth service's own `requireAuth()`: no HTTP round trip to itself. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    await this.fresh()
    try {
      return await this.localSet(header, token)
    } catch (error) {
      if (Date.now() - this.loadedAt < 1000) throw error
      await this.load() // an unknown kid may be a key rotated in a moment ago
      return this.localSet(header, token)
    }
  }
}
