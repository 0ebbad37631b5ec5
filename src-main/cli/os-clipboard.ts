/**
 * The OS clipboard for the CLI, through the platform's own tools: wl-copy/wl-paste (Wayland), xclip or
 * xsel (X11), pbcopy/pbpaste (macOS), clip.exe/powershell (Windows, WSL). Values go to the tool on stdin,
 * never in argv or its environment. History-exclusion hints: wl-copy ≥ 2.2 gets --sensitive (KDE's
 * x-kde-passwordManagerHint); the other tools cannot set one.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/** One clipboard tool set: how to write, read and clear. */
export interface ClipboardTool {
  name: string
  write: string[]
  read: string[] | null
  clear: string[]
  /** Whether `write` asks clipboard managers to keep the value out of history. */
  hint: boolean
}

function onPath(cmd: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)))
}

function wlCopyHasSensitive(env: NodeJS.ProcessEnv): boolean {
  const r = spawnSync('wl-copy', ['--version'], { env, encoding: 'utf8', timeout: 3000 })
  const m = /(\d+)\.(\d+)/.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`)
  return !!m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 2))
}

/** The first tool that fits this session, or null (then `copy` says what to install). */
export function findClipboardTool(env: NodeJS.ProcessEnv, platform = process.platform): ClipboardTool | null {
  if (platform === 'darwin' && onPath('pbcopy', env))
    return { name: 'pbcopy', write: ['pbcopy'], read: ['pbpaste'], clear: ['pbcopy'], hint: false }
  if (env.WAYLAND_DISPLAY && onPath('wl-copy', env)) {
    const sensitive = wlCopyHasSensitive(env)
    return {
      name: 'wl-copy',
      write: ['wl-copy', ...(sensitive ? ['--sensitive'] : [])],
      read: onPath('wl-paste', env) ? ['wl-paste', '--no-newline'] : null,
      clear: ['wl-copy', '--clear'],
      hint: sensitive,
    }
  }
  if (env.DISPLAY && onPath('xclip', env))
    return {
      name: 'xclip',
      write: ['xclip', '-selection', 'clipboard', '-in'],
      read: ['xclip', '-selection', 'clipboard', '-out'],
      clear: ['xclip', '-selection', 'clipboard', '-in'],
      hint: false,
    }
  if (env.DISPLAY && onPath('xsel', env))
    return {
      name: 'xsel',
      write: ['xsel', '--clipboard', '--input'],
      read: ['xsel', '--clipboard', '--output'],
      clear: ['xsel', '--clipboard', '--delete'],
      hint: false,
    }
  if ((platform === 'win32' || env.WSL_DISTRO_NAME) && (onPath('clip.exe', env) || platform === 'win32'))
    return {
      name: 'clip.exe',
      write: ['clip.exe'],
      read: ['powershell.exe', '-NoProfile', '-Command', 'Get-Clipboard'],
      clear: ['clip.exe'],
      hint: false,
    }
  return null
}

function run(cmd: string[], env: NodeJS.ProcessEnv, input?: string): { ok: boolean; out: string } {
  const [bin, ...args] = cmd
  // No pipes kept open for stdout/stderr: xclip and wl-copy stay in the background to serve the selection.
  const r = spawnSync(bin ?? '', args, {
    env,
    input: input ?? '',
    stdio: ['pipe', input === undefined ? 'pipe' : 'ignore', 'ignore'],
    timeout: 5000,
    encoding: 'utf8',
  })
  return { ok: r.status === 0, out: typeof r.stdout === 'string' ? r.stdout : '' }
}

/** Writes `value`; false when the tool failed. */
export function writeClipboard(tool: ClipboardTool, value: string, env: NodeJS.ProcessEnv): boolean {
  return run(tool.write, env, value).ok
}

/** The clipboard's text, or null when it cannot be read. */
export function readClipboard(tool: ClipboardTool, env: NodeJS.ProcessEnv): string | null {
  if (!tool.read) return null
  const r = run(tool.read, env)
  if (!r.ok) return null
  // PowerShell's Get-Clipboard adds a line end; the others print the text exactly.
  return tool.name === 'clip.exe' ? r.out.replace(/\r?\n$/, '') : r.out
}

/** Empties the clipboard. */
export function clearClipboard(tool: ClipboardTool, env: NodeJS.ProcessEnv): boolean {
  return run(tool.clear, env, '').ok
}
