import type { Socket } from 'bun'

/** A TCP proxy a test controls, to cut a client's connection without stopping the shared server. */
export interface TcpProxy {
  port: number
  /** The same URL with the proxy's host and port. */
  url(target: string): string
  /** Drops every open connection and refuses new ones (they are closed as soon as accepted). */
  cut(): void
  /**
   * Keeps every connection open but stops moving bytes (`to-server`: only what clients send), and
   * accepts new connections without ever answering them: a peer wedged on a half-open socket.
   */
  stall(direction?: 'both' | 'to-server'): void
  /** Ends a cut or a stall for new connections; stalled ones stay broken, as their bytes are lost. */
  restore(): void
  close(): void
}

interface Side {
  peer: Socket<Side> | undefined
  /** Bytes this socket has not taken yet (a write may take only part of a chunk). */
  queue: Uint8Array[]
  /** On the client side: the upstream's side, which queues what the client sends before it is up. */
  upstream?: Side
}

/** Writes what it can now and keeps the rest for the `drain` event. */
function send(socket: Socket<Side>, chunk: Uint8Array): void {
  const pending = socket.data.queue
  if (pending.length > 0) {
    pending.push(chunk.slice())
    return
  }
  const written = socket.write(chunk)
  if (written < chunk.length) pending.push(chunk.slice(Math.max(written, 0)))
}

function flush(socket: Socket<Side>): void {
  const pending = socket.data.queue
  while (pending.length > 0) {
    const chunk = pending[0]!
    const written = socket.write(chunk)
    if (written < chunk.length) {
      pending[0] = chunk.slice(Math.max(written, 0))
      return
    }
    pending.shift()
  }
}

export function startTcpProxy(target: { hostname: string; port: number }): TcpProxy {
  let isCut = false
  let stalled: 'both' | 'to-server' | undefined
  const open = new Set<Socket<Side>>()
  const server = Bun.listen<Side>({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(client) {
        const upstreamSide: Side = { peer: client, queue: [] }
        client.data = { peer: undefined, queue: [], upstream: upstreamSide }
        if (isCut) return void client.terminate()
        open.add(client)
        if (stalled) return
        Bun.connect<Side>({
          hostname: target.hostname,
          port: target.port,
          data: upstreamSide,
          socket: {
            open(upstream) {
              if (isCut) return void upstream.terminate()
              client.data.peer = upstream
              open.add(upstream)
              flush(upstream)
            },
            data(upstream, chunk) {
              if (stalled === 'both') return
              if (upstream.data.peer) send(upstream.data.peer, chunk)
            },
            drain: flush,
            close(upstream) {
              open.delete(upstream)
              upstream.data.peer?.end()
            },
            error(upstream) {
              upstream.data.peer?.end()
            },
          },
        }).catch(() => client.end())
      },
      data(client, chunk) {
        if (stalled) return
        if (client.data.peer) send(client.data.peer, chunk)
        else client.data.upstream?.queue.push(chunk.slice())
      },
      drain: flush,
      close(client) {
        open.delete(client)
        client.data.peer?.end()
      },
      error(client) {
        client.data.peer?.end()
      },
    },
  })
  return {
    port: server.port,
    url: (url) => {
      const parsed = new URL(url)
      parsed.hostname = '127.0.0.1'
      parsed.port = String(server.port)
      return parsed.toString()
    },
    cut: () => {
      isCut = true
      for (const socket of open) socket.terminate()
      open.clear()
    },
    stall: (direction = 'both') => {
      stalled = direction
    },
    restore: () => {
      isCut = false
      stalled = undefined
    },
    close: () => {
      isCut = true
      for (const socket of open) socket.terminate()
      server.stop(true)
    },
  }
}
