import {execFile} from 'node:child_process'
import {readFile} from 'node:fs/promises'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'
import {APACHE_LOGS} from '../../helpers/run-cli.js'
import {useTempDir} from '../../helpers/temp-dir.js'
import {runReplay} from './helpers.js'

const tempDir = useTempDir('clickstream-goaccess-')

interface GoAccessReport {
  general: {total_requests: number; valid_requests: number; failed_requests: number}
  status_codes: {data: Array<{data: string; items: Array<{data: string; hits: {count: number}}>}>}
}

/** GoAccess (the Debian package; CI installs it) run on a file, its JSON report read back. */
async function goaccess(file: string, out: string): Promise<GoAccessReport> {
  try {
    await promisify(execFile)('goaccess', [file, '--log-format=COMBINED', '--no-global-config', '-o', out])
  } catch (error) {
    throw new Error(`GoAccess must be installed for this comparison (apt-get install goaccess): ${(error as Error).message}`)
  }
  return JSON.parse(await readFile(out, 'utf8')) as GoAccessReport
}

describe('replay counts requests as GoAccess does', () => {
  it('on the real sample: as many documents as valid requests, and the same count per status code', async () => {
    const dir = await tempDir()
    const [report, run] = await Promise.all([
      goaccess(APACHE_LOGS, `${dir}/goaccess.json`),
      runReplay(dir, [APACHE_LOGS], {transform: 'json', to: `file:${dir}/docs.ndjson`}),
    ])
    const docs = (await readFile(`${dir}/docs.ndjson`, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as {response: number})

    expect(docs).toHaveLength(report.general.valid_requests)
    expect(run.result.delivered).toBe(report.general.valid_requests)
    expect(run.result.rejected).toBe(report.general.failed_requests)

    const ours = new Map<string, number>()
    for (const doc of docs) ours.set(String(doc.response), (ours.get(String(doc.response)) ?? 0) + 1)
    const theirs = new Map<string, number>()
    // GoAccess groups codes by class; each item reads "404 - Not Found: …".
    for (const group of report.status_codes.data) for (const item of group.items) theirs.set(item.data.slice(0, 3), item.hits.count)
    expect(Object.fromEntries([...ours].sort())).toEqual(Object.fromEntries([...theirs].sort()))
  })
})
