/** The agent's zod schema for requests: everything a client sends is parsed before it is acted on. */
import { z } from 'zod'
import { AGENT_PROTOCOL, type AgentRequest } from './agent-wire'

const arg = z.string().max(64 * 1024)

/** A request as the agent accepts it (see agent-wire.ts for the format). */
export const agentRequestSchema = z
  .object({
    v: z.literal(AGENT_PROTOCOL),
    cookie: z.string().regex(/^[0-9a-f]{64}$/),
    argv: z.array(arg).max(1000),
    cwd: z.string().min(1).max(4096).startsWith('/'),
    tty: z.object({ stdin: z.boolean(), stdout: z.boolean(), stderr: z.boolean() }).strict(),
    stdin: z
      .string()
      .max(12 * 1024 * 1024)
      .nullable(),
  })
  .strict() satisfies z.ZodType<AgentRequest>
