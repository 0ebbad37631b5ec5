import type { ParsedInput } from '../../../src-shared/contract'
import type {
  ExportPreview,
  ExportSaveResult,
  ImportPreview,
  ImportResult,
  ProgressEvent,
} from '../../../src-shared/model'
import { KeyshelfError } from '../errors'
import type { SecretClipboard, Settings } from '../platform-ports'
import type { EnvWorkflows } from './env-workflows.service'

/** Native dialogs (desktop only). */
export interface SaveDialogs {
  /** A path chosen in the native save dialog (null when cancelled); `title` names what is saved. */
  chooseSavePath(defaultName: string, title?: string): Promise<string | null>
}

/**
 * The window's `.env` commands over {@link EnvWorkflows}: masked preview, copy (through the clipboard port),
 * save through the native dialog (with git's view of the file), ignore the last export, import preview and
 * apply with progress.
 */
export class EnvCommands {
  private lastExportPath: string | null = null

  constructor(
    private readonly env: EnvWorkflows,
    private readonly ports: {
      clipboard: SecretClipboard
      settings: Settings
      dialogs: SaveDialogs | undefined
      onProgress: ((e: ProgressEvent) => void) | undefined
    },
  ) {}

  /** A masked preview and the keys the profile cannot carry. */
  exportPreview(input: ParsedInput<'exportPreview'>): ExportPreview {
    return this.env.preview(input)
  }

  /** Copies the export text to the clipboard, cleared after the preference's delay; audited. */
  exportCopy(input: ParsedInput<'exportCopy'>): { clearsAt: number | null } {
    const text = this.env.render(input, 'clipboard')
    return this.ports.clipboard.writeSecret(text, this.ports.settings.get().clipboardClearSeconds * 1000)
  }

  /** Saves through the native dialog (desktop only); refuses a profile that cannot carry a key. */
  async exportSave(input: ParsedInput<'exportSave'>): Promise<ExportSaveResult> {
    const dialogs = this.ports.dialogs
    if (!dialogs) {
      throw new KeyshelfError(
        'INVALID_INPUT',
        'Saving a file needs the desktop app; use `keyshelf export -o FILE`.',
      )
    }
    const preview = this.env.preview(input)
    if (preview.problems.length > 0) this.env.render(input, 'check') // throws UNREPRESENTABLE, names the keys
    const path = await dialogs.chooseSavePath(preview.fileName)
    if (!path) return { cancelled: true, path: null, gitWarning: false, tracked: false }
    // The native dialog already asked about replacing an existing file.
    const git = await this.env.save(input, path, true)
    this.lastExportPath = path
    return { cancelled: false, path, gitWarning: git.inRepo && !git.ignored, tracked: git.tracked }
  }

  /** Adds the file saved last in this session to its repository's .gitignore. */
  async gitignoreLastExport(): Promise<{ pattern: string }> {
    if (!this.lastExportPath) throw new KeyshelfError('NOT_FOUND', 'Nothing was exported in this session.')
    return { pattern: await this.env.ignore(this.lastExportPath) }
  }

  /** What an import would change. Writes nothing. */
  importPreview(input: ParsedInput<'importPreview'>): ImportPreview {
    return this.env.importPreview(input.environmentId, input.text)
  }

  /** Imports in one transaction, reporting progress as task 'import'. */
  importApply(input: ParsedInput<'importApply'>): ImportResult {
    return this.env.importApply(input.environmentId, input.text, {
      ...(input.publicVars ? { publicVars: input.publicVars } : {}),
      onProgress: (done, total) =>
        this.ports.onProgress?.({ task: 'import', label: 'Importing keys', done, total }),
    })
  }
}
