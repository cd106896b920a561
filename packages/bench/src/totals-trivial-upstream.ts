// The totals benchmark's trivial route: a bare Bun.serve answering every path with a constant
// JSON body, in a process of its own like the totals service. Behind the same gateway, it shows
// what the gateway alone can do, so the totals read can be compared with "as cheap as it gets".
// Usage: bun packages/bench/src/totals-trivial-upstream.ts <port>
const port = Number(Bun.argv[2] ?? 0)
const body = JSON.stringify({ status: 'ok' })
const server = Bun.serve({
  port,
  hostname: '127.0.0.1',
  fetch: () => new Response(body, { headers: { 'content-type': 'application/json' } }),
})
console.log(`listening ${server.port}`)
