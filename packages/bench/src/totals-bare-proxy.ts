// The floor the totals benchmark compares the gateway with: Bun.serve handing each request to
// Bun's fetch and returning the upstream's response, nothing else (no routing, no spans, no log
// line, no headers added). Whatever a Bun gateway does, a proxied request costs at least this.
// Usage: bun packages/bench/src/totals-bare-proxy.ts <port> <upstream base URL>
const port = Number(Bun.argv[2] ?? 0)
const upstream = Bun.argv[3] ?? ''
const server = Bun.serve({
  port,
  hostname: '127.0.0.1',
  fetch: (request) => {
    const url = request.url
    return fetch(upstream + url.slice(url.indexOf('/', url.indexOf(':') + 3)), {
      headers: request.headers,
      redirect: 'manual',
    })
  },
})
console.log(`listening ${server.port}`)
