import {PassThrough} from 'node:stream'
import {ManualClock, type Clock} from '../../../src/lib/core/clock.js'
import {resolveWorkspace} from '../../../src/lib/local/workspace.js'
import {replay, type ReplayOptions, type ReplayResult} from '../../../src/lib/replay/replay.js'
import {parseTarget} from '../../../src/lib/targets/spec.js'
import type {TargetContext} from '../../../src/lib/targets/types.js'

export const FIXTURES = new URL('../../fixtures/access-log/', import.meta.url).pathname

export interface ReplayRun {
  result: ReplayResult
  stdout: string
  warnings: string[]
}

/** Runs the replay service as the command would, in `dir`, with a fixed clock and captured output. */
export async function runReplay(
  dir: string,
  files: string[],
  options: Partial<Omit<ReplayOptions, 'to'>> & {to?: string; clock?: Clock; stdin?: string} = {},
): Promise<ReplayRun> {
  const stdout = new PassThrough()
  let out = ''
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
  const warnings: string[] = []
  const stdin = new PassThrough()
  stdin.end(options.stdin ?? '')
  const ctx: TargetContext = {
    workspace: resolveWorkspace({workspace: `${dir}/.clickstream`}),
    aws: {},
    clock: options.clock ?? new ManualClock(Date.UTC(2026, 10, 23), true),
    warn: (m) => warnings.push(m),
    stdout,
    stdin,
  }
  const {to, clock: _clock, stdin: _stdin, ...rest} = options
  const result = await replay(
    {files, cwd: dir, to: parseTarget(to ?? '-', '--to'), transform: 'raw', speed: 'max', follow: false, from: 'start', partitionKey: 'host', ...rest},
    ctx,
  )
  return {result, stdout: out, warnings}
}
