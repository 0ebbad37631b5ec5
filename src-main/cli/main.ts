/**
 * The `keyshelf` command's entry: a running unlock agent answers first (only a few small modules are
 * loaded for that); otherwise the master-password derivation starts (early-unlock.ts) and the full CLI
 * loads while it runs.
 */
import { dropEarlyDerivation, earlyDerivationPending } from '../core/crypto/kdf'
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
  if (earlyDerivationPending()) {
    // The command needed no password after all (KEYSHELF_PASSWORD was set for `due --counts`, a typo…):
    // exit once the output is written instead of waiting for Argon2id to finish on the thread pool.
    dropEarlyDerivation()
    await new Promise<void>((resolve) =>
      process.stdout.write('', () => process.stderr.write('', () => resolve())),
    )
    process.exit(code)
  }
}
