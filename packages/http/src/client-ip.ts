import type { Context } from 'hono'
import { getConnInfo } from 'hono/bun'
import proxyAddr from 'proxy-addr'

/** Whether an address (of a peer, or an entry of X-Forwarded-For) is a proxy we believe. */
export type TrustProxy = (address: string, hop: number) => boolean

/**
 * Compiles `TRUSTED_PROXIES`: comma-separated addresses, CIDR ranges, or proxy-addr's names
 * `loopback`, `linklocal` and `uniquelocal` (10/8, 172.16/12, 192.168/16, fc00::/7: a compose
 * network or a cluster's pods). Throws on an entry that is none of these.
 */
export function trustProxies(list: string): TrustProxy {
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  return proxyAddr.compile(entries)
}

/** `bun run dev` and the tests: the gateway on this machine. */
const LOOPBACK = trustProxies('loopback')

/**
 * The client's address: the right-most address in the chain (the direct peer, then
 * X-Forwarded-For from right to left) that is not a trusted proxy. Each proxy appends the peer it
 * saw (the gateway does, so does an ingress controller), so entries to the left of the first
 * untrusted one are whatever the client claimed and are ignored. A peer that is not trusted is
 * the client, whatever it sends.
 */
export function clientIp(c: Context, trust: TrustProxy = LOOPBACK): string {
  let peer = 'unknown'
  try {
    peer = getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    // app.request() in tests has no socket
  }
  if (peer !== 'unknown' && !trust(peer, 0)) return peer
  const chain = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  let address = peer
  for (let i = chain.length - 1, hop = 1; i >= 0; i--, hop++) {
    address = chain[i] as string
    if (!trusted(trust, address, hop)) return address
  }
  return address
}

/** proxy-addr's trust functions throw on what is not an address: such an entry is not a proxy. */
function trusted(trust: TrustProxy, address: string, hop: number): boolean {
  try {
    return trust(address, hop)
  } catch {
    return false
  }
}
