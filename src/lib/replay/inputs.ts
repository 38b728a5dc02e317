import {stat} from 'node:fs/promises'
import {resolve} from 'node:path'
import {glob, isDynamicPattern} from 'tinyglobby'
import {NotFoundError, UsageError} from '../core/errors.js'

/** One thing to replay: a file (`.gz` read through gunzip) or standard input. */
export type ReplayInput = {kind: 'stdin'; name: '-'} | {kind: 'file'; path: string; gzip: boolean; size: number}

/**
 * Expands the FILE arguments: `-` is standard input, a pattern (`access_log*`, `logs/**\/*.gz`)
 * names the files it matches in name order, anything else must be a file. Each file is read
 * once, in the order named.
 */
export async function expandInputs(args: readonly string[], cwd: string): Promise<ReplayInput[]> {
  if (args.length === 0) throw new UsageError('name at least one log file to replay, or - for standard input.')
  const inputs: ReplayInput[] = []
  const seen = new Set<string>()
  let stdin = false
  const add = async (path: string) => {
    const absolute = resolve(cwd, path)
    if (seen.has(absolute)) return
    seen.add(absolute)
    const st = await stat(absolute).catch(() => undefined)
    if (!st) throw new NotFoundError(`no such file: ${path}`)
    if (st.isDirectory()) throw new UsageError(`${path} is a folder; name the log files in it, e.g. '${path}/access_log*'.`)
    inputs.push({kind: 'file', path: absolute, gzip: absolute.endsWith('.gz'), size: st.size})
  }
  for (const arg of args) {
    if (arg === '-') {
      if (stdin) throw new UsageError('standard input (-) can be named once.')
      stdin = true
      inputs.push({kind: 'stdin', name: '-'})
      continue
    }
    const exists = await stat(resolve(cwd, arg)).catch(() => undefined)
    if (exists || !isDynamicPattern(arg)) {
      await add(arg)
      continue
    }
    const matches = (await glob(arg, {cwd, onlyFiles: true, absolute: true, expandDirectories: false})).sort()
    if (matches.length === 0) throw new NotFoundError(`no file matches ${arg}`, {suggestions: ['Quote the pattern so the shell leaves it to clickstream, and check the folder.']})
    for (const match of matches) await add(match)
  }
  return inputs
}
