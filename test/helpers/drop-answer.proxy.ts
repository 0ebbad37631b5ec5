import { createServer, request, type IncomingMessage, type Server } from 'node:http'

/** A loopback HTTP proxy that forwards every request and can lose the answer to chosen ones. */
export interface DropAnswerProxy {
  url: string
  /** Requests whose body contains this text are forwarded, answered by the server, and the answer is lost. */
  dropAnswerWhenBodyHas(text: string | null): void
  /** How many answers were lost. */
  dropped(): number
  close(): Promise<void>
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    req.on('data', (d: Buffer) => parts.push(d))
    req.on('end', () => resolve(Buffer.concat(parts)))
    req.on('error', reject)
  })
}

/**
 * Starts a proxy on 127.0.0.1 in front of `target` (e.g. moto). Headers go through unchanged (the Host
 * header too, so SigV4 signatures still match). A dropped request reaches the server and is carried out
 * there; the proxy waits for the whole answer, then cuts the client's connection without a byte.
 */
export async function startDropAnswerProxy(target: string): Promise<DropAnswerProxy> {
  const to = new URL(target)
  let needle: string | null = null
  let lost = 0
  const server: Server = createServer((req, res) => {
    void body(req).then((buf) => {
      const drop = needle !== null && buf.toString('utf8').includes(needle)
      const up = request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          void body(answer).then((out) => {
            if (drop) {
              lost++
              req.socket.destroy()
              return
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            res.end(out)
          })
        },
      )
      up.on('error', () => req.socket.destroy())
      up.end(buf)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const addr = server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    dropAnswerWhenBodyHas: (t) => {
      needle = t
    },
    dropped: () => lost,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
