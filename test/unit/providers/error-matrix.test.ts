/**
 * §4: every HTTP provider's 401/403/404/429/5xx, timeouts, TLS failures and malformed JSON end as one
 * explained ProviderError: it names the provider, says what happened and what to do, and quotes the
 * provider's own error code when the provider gives one. (AWS IAM's matrix runs through the SDK in
 * secret-leak.test.ts and aws-iam.provider.test.ts.)
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CloudflareProvider,
  GitlabProvider,
  NovuProvider,
  ProviderError,
  SendgridProvider,
  type ProviderAdapter,
  type ProviderErrorKind,
} from '../../../src-main/core/providers'
import { caught, testDeps } from './provider-test.helpers'

interface Answer {
  status: number
  body?: string
  slow?: boolean
}
let answer: Answer = { status: 200 }
let server: Server
let origin = ''

beforeAll(async () => {
  server = createServer((_req, res) => {
    const send = (): void => {
      res.writeHead(answer.status, { 'content-type': 'application/json', 'retry-after': '3600' })
      res.end(answer.body ?? '')
    }
    if (answer.slow) setTimeout(send, 1500)
    else send()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((r) => server.close(() => r()))
})

/** Each provider's error body, carrying a provider code where the provider has one. */
const PROVIDERS: {
  name: string
  make: () => ProviderAdapter
  token: string
  body: (status: number) => unknown
  code: (status: number) => string | null
}[] = [
  {
    name: 'Novu',
    make: () => new NovuProvider(testDeps({ retry: { timeoutMs: 1000, maxRetries: 0 } })),
    token: 'a'.repeat(32),
    body: (s) => ({ statusCode: s, message: 'nope', error: 'Err', ...(s >= 500 ? { errorId: 'E-77' } : {}) }),
    code: (s) => (s >= 500 ? 'E-77' : null),
  },
  {
    name: 'Cloudflare',
    make: () => new CloudflareProvider(testDeps({ retry: { timeoutMs: 1000, maxRetries: 0 } })),
    token: 'c'.repeat(40),
    body: (s) => ({
      success: false,
      errors: [{ code: 9000 + s, message: 'nope' }],
      messages: [],
      result: null,
    }),
    code: (s) => String(9000 + s),
  },
  {
    name: 'GitLab',
    make: () => new GitlabProvider(testDeps({ retry: { timeoutMs: 1000, maxRetries: 0 } })),
    token: 'glpat-' + 'g'.repeat(20),
    body: (s) => ({ error: `gl_${s}`, message: 'nope' }),
    code: (s) => (s === 401 ? null : `gl_${s}`),
  },
  {
    name: 'SendGrid',
    make: () => new SendgridProvider(testDeps({ retry: { timeoutMs: 1000, maxRetries: 0 } })),
    token: 'SG.' + 's'.repeat(22) + '.' + 't'.repeat(43),
    body: () => ({ errors: [{ field: null, message: 'nope' }] }),
    code: () => null,
  },
]

const EXPECTED: [number, ProviderErrorKind][] = [
  [401, 'AUTH'],
  [403, 'FORBIDDEN'],
  [404, 'NOT_FOUND'],
  [429, 'RATE_LIMITED'],
  [500, 'SERVER'],
  [502, 'SERVER'],
]

const WHAT_TO_DO =
  /(Try again|Check|Paste|Give|Create|Edit|Set|Sync|Delete|Do it|Connect|Copy|It may have been deleted|Nothing was changed)/

function explained(err: unknown, name: string): ProviderError {
  expect(err).toBeInstanceOf(ProviderError)
  const e = err as ProviderError
  expect(e.message).toContain(name)
  expect(e.message).toMatch(WHAT_TO_DO)
  expect(e.message.trim()).toMatch(/[.)]$/)
  return e
}

describe('every provider: errors a user can act on', () => {
  for (const p of PROVIDERS) {
    it(`${p.name}: statuses, malformed JSON, timeouts and TLS`, async () => {
      const a = p.make()
      const conn = { baseUrl: origin, token: p.token }
      for (const [status, kind] of EXPECTED) {
        answer = { status, body: JSON.stringify(p.body(status)) }
        const e = explained(await caught(a.list(conn)), p.name)
        expect(e.kind, `${p.name} ${status}`).toBe(kind)
        expect(e.status).toBe(status)
        const code = p.code(status)
        if (code !== null && kind !== 'RATE_LIMITED') {
          expect(e.providerCode, `${p.name} ${status}`).toBe(code)
          expect(e.message, `${p.name} ${status}`).toContain(code)
        }
      }
      answer = { status: 200, body: '{"data": [unclosed' }
      expect(explained(await caught(a.list(conn)), p.name).kind).toBe('BAD_RESPONSE')
      answer = { status: 200, body: '{}', slow: true }
      expect(explained(await caught(a.list(conn)), p.name).kind).toBe('TIMEOUT')
      answer = { status: 200, body: '{}' }
      // https to a plain-http port: the TLS handshake fails before anything is sent.
      const tls = explained(
        await caught(a.list({ ...conn, baseUrl: origin.replace('http:', 'https:') })),
        p.name,
      )
      expect(tls.kind).toBe('NETWORK')
      expect(tls.message).toContain('secure connection')
      expect(tls.message).toContain('nothing was sent')
    })
  }
})
