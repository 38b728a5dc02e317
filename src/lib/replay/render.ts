import {renderPairs} from '../cli/render.js'
import {formatBytes, formatCount, formatDuration} from '../core/units.js'
import type {ReplayProgress, ReplayResult} from './replay.js'

/** The human summary of a replay: what was read, and what became of every line. */
export function renderReplaySummary(result: ReplayResult): string {
  const pairs: Array<[string, string]> = [
    ['target', result.target],
    ['read', `${formatCount(result.read)} lines (${formatBytes(result.bytesRead)})`],
    ['delivered', `${formatCount(result.delivered)} records (${formatBytes(result.bytesDelivered)}, ${result.transform})`],
    ['retried', formatCount(result.retried)],
    ['rejected', `${formatCount(result.rejected)}${result.rejected > 0 ? (result.errorsFile ? ` (listed in ${result.errorsFile})` : ' (use --errors FILE to keep them)') : ''}`],
    ['failed', `${formatCount(result.failed)}${result.deadLetter && result.failed > 0 ? ` (in ${result.deadLetter})` : ''}`],
    ['elapsed', `${formatDuration(result.elapsedMs)} (${formatCount(result.recordsPerSecond)} records/s)`],
  ]
  if (result.firstRecordTime && result.lastRecordTime) pairs.push(['log time', `${result.firstRecordTime} .. ${result.lastRecordTime}`])
  for (const f of result.files) {
    if (f.start !== 'beginning') pairs.push(['resumed', `${f.file} after line ${formatCount(f.startedAfterLine)} (${f.start})`])
  }
  if (result.checkpoint) pairs.push(['checkpoint', result.checkpoint])
  let text = renderPairs(pairs)
  if (result.rejected > 0 && result.rejectedExamples.length > 0) {
    text += '\n\nfirst rejected lines:\n'
    text += result.rejectedExamples.map((r) => `  ${r.file}:${r.line}:${r.column}: ${r.reason}`).join('\n')
  }
  if (result.interrupted) text += `\n\nstopped before the end of the input${result.checkpoint ? `; run the same command to resume from ${result.checkpoint}` : ''}.`
  return text
}

export interface ProgressView {
  update(progress: ReplayProgress): void
  stop(): void
}

/** A progress bar on the terminal (stderr), for inputs of known size. */
export async function openProgressBar(stream: NodeJS.WriteStream): Promise<ProgressView> {
  const {SingleBar, Presets} = (await import('cli-progress')).default
  const bar = new SingleBar(
    {stream, format: 'replay [{bar}] {percentage}% | {lines} lines | {rejected} rejected | eta {eta_formatted}', hideCursor: true, clearOnComplete: true, fps: 5},
    Presets.shades_classic,
  )
  let started = false
  return {
    update(p) {
      if (p.bytesTotal === undefined) return
      if (!started) {
        bar.start(Math.max(1, p.bytesTotal), 0, {lines: '0', rejected: '0'})
        started = true
      }
      bar.update(p.bytesRead, {lines: formatCount(p.read), rejected: formatCount(p.rejected)})
    },
    stop() {
      if (started) bar.stop()
    },
  }
}
