/**
 * Forces every error path of every adapter with a canary credential and asserts the canary never appears
 * in String(err), err.message, err.stack, JSON.stringify(err), the IPC form, results, or any log line —
 * including when the server echoes the credential back in its error body.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import {
  AwsIamProvider,
  CloudflareProvider,
  SendgridProvider,
  GitlabProvider,
  NovuProvider,
  ProviderError,
  novuKeyHash,
  type ProviderAdapter,
  type ProviderConnection,
  type ProviderErrorKind,
  type ProviderKind,
} from '../../../src-main/core/providers'
import { CF_ROUTES, startCloudflareFake } from '../../fakes/cloudflare.fake'
import { GL_ROUTES, startGitlabFake } from '../../fakes/gitlab.fake'
import type { FakeMode } from '../../fakes/http-fake'
import { NOVU_ROUTES, startNovuFake } from '../../fakes/novu.fake'
import { SG_ROUTES, startSendgridFake } from '../../fakes/sendgrid.fake'
import { memoryLogger, recordingSleep, renderings } from './provider-test.helpers'

const CANARY = {
  novu: 'KsCanaryNovu0123456789abcdefABCD',
  cloudflare: 'KsCanaryCloudflare0123456789abcdefghijklmnopq',
  gitlab: 'KsCanaryGitlab0123456789abcdef',
  aws: 'KsCanaryAwsSecret0123456789abcdefghijklmn',
} as const

interface Target {
  kind: ProviderKind
  canary: string
  conn: ProviderConnection
  /** A remote id of the canary key (for rotate/revoke). */
  remoteId: string
  make(fetchImpl: typeof fetch, logger: ReturnType<typeof memoryLogger>): ProviderAdapter
  setMode(mode: FakeMode): void
  rotateRoute: string
  close(): Promise<void>
}

const closers: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const c of closers) await c()
})

async function targets(): Promise<Target[]> {
  const novu = await startNovuFake({
    environments: [
      { name: 'Development', keys: [CANARY.novu] },
      { name: 'Production', parent: 'Development' },
    ],
    regenerateViaApiKey: true,
  })
  const cf = await startCloudflareFake({ tokens: [{ name: 'admin', secret: CANARY.cloudflare }] })
  const gl = await startGitlabFake({ tokens: [] })
  const glCanary = gl.state.addToken({ name: 'canary', secret: CANARY.gitlab })
  const sg = await startSendgridFake()
  const sgCanary = sg.secretOf('keyshelf')
  const sgId = [...sg.keys.values()].find((k) => k.name === 'keyshelf')?.id ?? ''
  closers.push(
    () => novu.close(),
    () => cf.close(),
    () => gl.close(),
    () => sg.close(),
  )
  const deps = (f: typeof fetch, logger: ReturnType<typeof memoryLogger>) => ({
    fetch: f,
    sleep: recordingSleep(),
    logger,
    random: () => 0,
    retry: { timeoutMs: 60, maxRetries: 1 },
  })
  return [
    {
      kind: 'novu',
      canary: CANARY.novu,
      conn: { baseUrl: novu.url, token: CANARY.novu },
      remoteId: novuKeyHash(CANARY.novu),
      make: (f, l) => new NovuProvider(deps(f, l)),
      setMode: (m) => novu.setMode(m),
      rotateRoute: NOVU_ROUTES.createKey,
      close: () => novu.close(),
    },
    {
      kind: 'cloudflare',
      canary: CANARY.cloudflare,
      conn: { baseUrl: cf.url, token: CANARY.cloudflare },
      remoteId: cf.state.adminId,
      make: (f, l) => new CloudflareProvider(deps(f, l)),
      setMode: (m) => cf.setMode(m),
      rotateRoute: CF_ROUTES.roll,
      close: () => cf.close(),
    },
    {
      kind: 'gitlab',
      canary: CANARY.gitlab,
      conn: { baseUrl: gl.url, token: CANARY.gitlab },
      remoteId: String(glCanary.id),
      make: (f, l) => new GitlabProvider(deps(f, l)),
      setMode: (m) => gl.setMode(m),
      rotateRoute: GL_ROUTES.rotateSelf,
      close: () => gl.close(),
    },
    {
      kind: 'sendgrid',
      canary: sgCanary,
      conn: { baseUrl: sg.url, token: sgCanary },
      remoteId: sgId,
      make: (f, l) => new SendgridProvider(deps(f, l)),
      setMode: (m) => sg.setMode(m),
      rotateRoute: SG_ROUTES.create,
      close: () => sg.close(),
    },
  ]
}

/** The credential a request carries, as an echoing server would see it. */
function credentialOf(init: RequestInit | undefined): string {
  const h = new Headers(init?.headers)
  return h.get('authorization') ?? h.get('private-token') ?? ''
}

/** A provider-shaped error (or garbage) body that quotes the credential back. */
function echoResponse(kind: ProviderKind, status: number, cred: string): Response {
  if (status >= 200 && status < 300) return new Response(`<html>${cred}</html>`, { status })
  if (status >= 300 && status < 400)
    return new Response(null, { status, headers: { location: `https://x/?t=${cred}` } })
  const headers = { 'content-type': 'application/json', 'retry-after': '1' }
  const body =
    kind === 'novu'
      ? { statusCode: status, message: `API Key ${cred} not found`, error: 'Nope', path: `/v1/${cred}` }
      : kind === 'cloudflare'
        ? {
            success: false,
            errors: [{ code: 1000, message: `Invalid API Token ${cred}` }],
            messages: [],
            result: null,
          }
        : kind === 'sendgrid'
          ? { errors: [{ field: null, message: `key ${cred} is bad` }] }
          : status === 401
            ? { error: 'invalid_token', error_description: `Token ${cred} was revoked.` }
            : { message: `${status} token ${cred} already revoked` }
  return new Response(JSON.stringify(body), { status, headers })
}

type Op = (a: ProviderAdapter, t: Target) => Promise<unknown>
/** Read-only operations first; the ones that change keys last (they may kill the canary key). */
const OPS: Record<string, Op> = {
  list: (a, t) => a.list(t.conn).then(() => null),
  environments: (a, t) => a.listEnvironments?.(t.conn) ?? Promise.resolve(null),
  verify: (a, t) => a.verify(t.conn),
  settle: (a, t) =>
    a.settleRotation(t.conn, {
      oldRemoteId: t.remoteId,
      oldSecret: t.canary,
      strategy: 'single',
      startedAt: 0,
    }),
  rotateDual: (a, t) => a.rotate(t.conn, t.remoteId, { strategy: 'dual' }),
  rotateSingle: (a, t) => a.rotate(t.conn, t.remoteId, { strategy: 'single' }),
  revoke: (a, t) => a.revoke(t.conn, t.remoteId),
}

const seenKinds = new Set<ProviderErrorKind>()

/** Runs `op`, and checks every rendering of its error (or its result) and every log line for the canary. */
async function check(t: Target, op: Op, fetchImpl: typeof fetch, label: string): Promise<void> {
  const logger = memoryLogger()
  const adapter = t.make(fetchImpl, logger)
  const texts: string[] = []
  try {
    const value = await op(adapter, t)
    texts.push(JSON.stringify(value ?? null))
  } catch (err) {
    expect(err, label).toBeInstanceOf(ProviderError)
    seenKinds.add((err as ProviderError).kind)
    texts.push(...renderings(err))
  }
  texts.push(...logger.lines)
  for (const text of texts) {
    expect(text.includes(t.canary), `${label}: ${text}`).toBe(false)
  }
}

const ECHO_STATUSES = [200, 201, 301, 400, 401, 402, 403, 404, 405, 409, 422, 429, 500, 501, 502, 503]

describe('no secret in any error, result or log line', () => {
  it('holds for every status a server can answer, even when it echoes the credential', async () => {
    for (const t of await targets()) {
      for (const status of ECHO_STATUSES) {
        for (const scope of ['reads', 'writes'] as const) {
          // 'reads': every call gets the echo. 'writes': reads reach the real fake, writes get the echo,
          // so the canary key is never changed.
          const fetchImpl: typeof fetch = (input, init) => {
            const isRead = (init?.method ?? 'GET') === 'GET'
            if (scope === 'reads' || !isRead) {
              return Promise.resolve(echoResponse(t.kind, status, credentialOf(init)))
            }
            return globalThis.fetch(input, init)
          }
          for (const [name, op] of Object.entries(OPS)) {
            await check(t, op, fetchImpl, `${t.kind} ${name} ${scope} ${status}`)
          }
        }
      }
    }
  }, 60_000)

  it('holds for lost answers, slow servers, throttling, 5xx, refused connections and bad header values', async () => {
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((r) => closed.close(() => r()))
    const modes = (rotateRoute: string): FakeMode[] => [
      { kind: 'drop', route: rotateRoute },
      { kind: 'drop-before', route: rotateRoute },
      { kind: 'drop' },
      { kind: 'slow', delayMs: 150 },
      { kind: 'fail', status: 503 },
      { kind: 'rate-limit', retryAfterSec: 600 },
      { kind: 'rate-limit', retryAfterSec: 1, route: rotateRoute },
    ]
    for (let i = 0; i < modes('').length; i++) {
      // Fresh fakes for each mode, so a rotation that really happened does not hide later paths.
      for (const t of await targets()) {
        const mode = modes(t.rotateRoute)[i] as FakeMode
        for (const [name, op] of Object.entries(OPS)) {
          t.setMode(mode)
          await check(t, op, globalThis.fetch, `${t.kind} ${name} ${mode.kind}`)
          t.setMode({ kind: 'normal' })
        }
        await t.close()
      }
    }
    for (const t of await targets()) {
      const offline = { ...t, conn: { ...t.conn, baseUrl: `http://127.0.0.1:${port}` } }
      const injected = { ...t, conn: { ...t.conn, token: `${t.canary}\r\nx-evil: 1` } }
      const unknown = { ...t, canary: `${t.canary}X`, conn: { ...t.conn, token: `${t.canary}X` } }
      for (const [name, op] of Object.entries(OPS)) {
        await check(offline, op, globalThis.fetch, `${t.kind} ${name} offline`)
        await check(injected, op, globalThis.fetch, `${t.kind} ${name} header injection`)
        await check(unknown, op, globalThis.fetch, `${t.kind} ${name} unknown key`)
      }
      const ac = new AbortController()
      ac.abort()
      await check(t, (a, x) => a.list(x.conn, { signal: ac.signal }), globalThis.fetch, `${t.kind} cancelled`)
    }
  }, 60_000)

  it('holds for AWS IAM (the SDK, not fetch): every status with an XML error quoting the request, drops, timeouts, garbage', async () => {
    // SigV4 never sends the secret, so a server cannot echo it; this proves the adapter and the SDK's
    // errors do not carry it either (ProviderError never keeps the SDK error as a cause).
    let behaviour: { status: number; drop?: boolean; slow?: boolean; raw?: string } = { status: 500 }
    const server = createServer((req, res) => {
      const auth = req.headers.authorization ?? ''
      if (behaviour.drop) {
        req.socket.destroy()
        return
      }
      const answer = (): void => {
        const codes: Record<number, string> = {
          400: 'ValidationError',
          401: 'InvalidClientTokenId',
          403: 'AccessDenied',
          404: 'NoSuchEntity',
          409: 'LimitExceeded',
          429: 'Throttling',
          500: 'ServiceFailure',
          503: 'ServiceUnavailable',
        }
        const body =
          behaviour.raw ??
          `<ErrorResponse><Error><Type>Sender</Type><Code>${codes[behaviour.status] ?? 'Unknown'}</Code>` +
            `<Message>Request ${auth} failed</Message></Error><RequestId>1</RequestId></ErrorResponse>`
        res.writeHead(behaviour.status, { 'content-type': 'text/xml' })
        res.end(body)
      }
      if (behaviour.slow) setTimeout(answer, 400)
      else answer()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const t: Target = {
      kind: 'aws-iam',
      canary: CANARY.aws,
      conn: { baseUrl: url, token: CANARY.aws, accessKeyId: 'AKIAKSCANARY0000TEST' },
      remoteId: 'AKIAKSCANARY0000TEST',
      make: (_f, l) =>
        new AwsIamProvider({ fetch: globalThis.fetch, logger: l, retry: { timeoutMs: 150, maxRetries: 0 } }),
      setMode: () => {},
      rotateRoute: '',
      close: async () => {},
    }
    const cases = [
      ...[400, 401, 403, 404, 409, 429, 500, 503].map((status) => ({ status })),
      { status: 200, raw: `<not-xml ${CANARY.aws}` },
      { status: 200, drop: true },
      { status: 200, slow: true },
    ]
    try {
      for (const c of cases) {
        behaviour = c
        for (const [name, op] of Object.entries(OPS))
          await check(t, op, globalThis.fetch, `aws ${name} ${JSON.stringify(c)}`)
      }
      const offline = { ...t, conn: { ...t.conn, baseUrl: 'http://127.0.0.1:9' } }
      const injected = { ...t, conn: { ...t.conn, token: `${t.canary}\r\nx-evil: 1` } }
      for (const [name, op] of Object.entries(OPS)) {
        await check(offline, op, globalThis.fetch, `aws ${name} offline`)
        await check(injected, op, globalThis.fetch, `aws ${name} header injection`)
      }
    } finally {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    }
  }, 60_000)

  it('covered every error kind', () => {
    expect([...seenKinds].sort()).toEqual(
      [
        'AUTH',
        'BAD_RESPONSE',
        'CANCELLED',
        'CONFLICT',
        'FORBIDDEN',
        'NETWORK',
        'NOT_FOUND',
        'OUTCOME_UNKNOWN',
        'RATE_LIMITED',
        'SERVER',
        'TIMEOUT',
        'UNSUPPORTED',
      ].sort(),
    )
  })
})
