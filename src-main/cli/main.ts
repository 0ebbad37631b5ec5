/** The `keyshelf` command's entry: wires the process to runCli. */
import { runCli } from './run-cli'

const { code, signal } = await runCli(process.argv.slice(2), {
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
