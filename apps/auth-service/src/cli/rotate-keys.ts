// `bun run --cwd apps/auth-service rotate-keys`: retires the active signing key and creates a
// new one. Running instances pick it up within a minute; tokens signed with the old key keep
// verifying until they expire, because the retired key stays in the JWKS for that long.
import { createDb } from '@careforall/db'
import { env } from '../env'
import { rotateKey } from '../keys'

const sql = createDb({ url: env.DATABASE_URL, schema: 'auth', max: 1 })
try {
  console.log(`new signing key ${await rotateKey(sql)}`)
} finally {
  await sql.end()
}
