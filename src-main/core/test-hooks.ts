/**
 * Test-only hooks (such as the CLI's crash-after-provider-answer switch) act only under the test runner:
 * vitest sets VITEST=true in its workers and the test harnesses pass it on to the programs they start.
 * A user's shell, the packaged app or a script never has it, so a stray variable does nothing there.
 */
export function testHooksAllowed(env: NodeJS.ProcessEnv): boolean {
  return env['VITEST'] === 'true'
}
