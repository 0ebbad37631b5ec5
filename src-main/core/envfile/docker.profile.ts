/**
 * # The `docker` profile
 *
 * Writes `KEY=value` lines for `docker run --env-file` (Docker CLI `pkg/kvfile`):
 * - the file is read line by line (`bufio.Scanner`, LF-separated, a CR before the LF dropped,
 *   at most 64 KiB per line), must be valid UTF-8, and a leading BOM is removed;
 * - leading whitespace of a line is removed; empty lines and lines starting with `#` are skipped;
 * - the line is split at the first `=`: the key must not contain spaces or tabs, and the value is taken
 *   literally: no quote processing in older Docker CLIs, no escapes, no `$` expansion, no multiline values,
 *   and trailing (and, since the key starts the line, leading) whitespace of the value is kept;
 * - newer Docker CLIs (docker/cli#6805) remove one pair of matching outer quotes (`'…'` or `"…"`),
 *   older ones keep them.
 *
 * So a value is written as-is after `KEY=`, and refused (UNREPRESENTABLE) when it contains NUL, an unpaired
 * surrogate, a line feed or a carriage return; when it starts and ends with the same quote character
 * (Docker versions disagree on it); or when the line would pass Docker's 64 KiB line limit.
 *
 * This is not the format of Compose's `env_file:` (which has its own dotenv-like parser with quotes and
 * `${}` interpolation): use the dotenv profile there.
 */
import { hasLoneSurrogate, hasNul } from './env-text'

/** bufio.MaxScanTokenSize: the line plus its LF must fit in the scanner's buffer. */
const MAX_LINE_BYTES = 64 * 1024 - 1

/** Why `value` cannot be written under `name` in the docker profile, or null when it can. Never quotes the value. */
export function refuseDocker(name: string, value: string): string | null {
  if (hasNul(value)) return 'contains a NUL character, which no process environment can carry'
  if (hasLoneSurrogate(value))
    return 'contains an unpaired UTF-16 surrogate, which cannot be written as UTF-8'
  if (value.includes('\n')) return 'contains a line break; --env-file has no multiline values'
  if (value.includes('\r'))
    return 'contains a carriage return; --env-file would drop or keep it depending on position'
  if (value.length >= 2 && (value[0] === "'" || value[0] === '"') && value[value.length - 1] === value[0]) {
    return 'starts and ends with the same quote character; newer Docker CLIs strip such quotes, older ones keep them'
  }
  if (Buffer.byteLength(name, 'utf8') + 1 + Buffer.byteLength(value, 'utf8') > MAX_LINE_BYTES) {
    return "is longer than Docker's 64 KiB line limit"
  }
  return null
}

/** The docker line for one accepted value: the value verbatim after the first `=`. */
export function dockerAssignment(name: string, value: string): string {
  return `${name}=${value}`
}
