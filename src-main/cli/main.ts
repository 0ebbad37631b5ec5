/**
 * The `keyshelf` command's entry: a running unlock agent answers first (only a few small modules are
 * loaded for that); otherwise the master-password derivation starts (early-unlock.ts) and the full CLI
 * loads while it runs.
 */
import { tryAgent } from './agent/agent-client'
import { startEarlyUnlock } from './early-unlock'

const argv = process.argv.slice(2)
const viaAgent = await tryAgent(argv, {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
})
if (viaAgent !== null) {
  process.exitCode = viaAgent
} else {
  await startEarlyUnlock(argv, {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  })
  const { runCli } = await import('./run-cli')
  const { code, signal } = await runCli(argv, {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  })
  if (signal) {
    process.removeAllListeners(signal)
    process.kill(process.pid, signal)
  }
  process.exitCode = code
}
