/**
 * The unlock agent's wire format, one request per connection over the Unix socket:
 * - request: one JSON line (see `AgentRequest`; the agent validates it with zod in agent-protocol.ts);
 * - response: one JSON header line `{"code":N,"out":BYTES,"err":BYTES}`, then exactly `out` bytes of
 *   stdout and `err` bytes of stderr.
 * No heavy imports: the client side runs before the rest of the CLI is loaded.
 */

/** Bumped on any incompatible change; an agent answers another version with a clear error. */
export const AGENT_PROTOCOL = 1

/** The most a request may carry (argv, cwd and a piped value). */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024

/** What a client asks: run these CLI arguments as if typed in `cwd`. */
export interface AgentRequest {
  v: number
  /** The cookie file's content, proving the client can read a 0600 file in the 0700 runtime folder. */
  cookie: string
  argv: string[]
  cwd: string
  tty: { stdin: boolean; stdout: boolean; stderr: boolean }
  /** stdin bytes (base64) for --value-stdin, --key-stdin and `import … -`; null when not needed. */
  stdin: string | null
}

/** The response header. */
export interface AgentResponseHeader {
  code: number
  out: number
  err: number
}

/** Parses and checks a response header line by hand (the client does not load zod). */
export function parseResponseHeader(line: string): AgentResponseHeader | null {
  try {
    const h = JSON.parse(line) as unknown
    if (typeof h !== 'object' || h === null) return null
    const { code, out, err } = h as Record<string, unknown>
    const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0
    if (!ok(code) || code > 255 || !ok(out) || !ok(err)) return null
    return { code, out, err }
  } catch {
    return null
  }
}

/** Encodes a response: header line, stdout, stderr. */
export function encodeResponse(code: number, out: Buffer, err: Buffer): Buffer {
  const header = Buffer.from(JSON.stringify({ code, out: out.length, err: err.length }) + '\n')
  return Buffer.concat([header, out, err])
}
