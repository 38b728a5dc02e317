import {readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {expectations, formatGolden, readGolden, rewriteGolden, runGolden} from './golden.js'

// Every *.sqltest file under test/sql is one feature of the KDA-SQL engine: its SQL, timestamped
// input rows and the rows (or error) KDA documents. `UPDATE_GOLDEN=1 npx vitest run test/sql`
// rewrites the expectations from the engine's output after an intended change — review the diff.
const dir = fileURLToPath(new URL('.', import.meta.url))
const files = readdirSync(dir, {recursive: true, encoding: 'utf8'})
  .filter((f) => f.endsWith('.sqltest'))
  .sort()

describe('golden SQL files', () => {
  it('finds the golden files', () => {
    expect(files.length).toBeGreaterThan(10)
  })

  for (const file of files) {
    it(file.replace(/\.sqltest$/, ''), () => {
      const path = join(dir, file)
      const sections = readGolden(path)
      const result = runGolden(sections, file)
      if (process.env.UPDATE_GOLDEN === '1') {
        writeFileSync(path, formatGolden(rewriteGolden(sections, result)))
        return
      }
      const {expectedOutputs, expectedError} = expectations(sections)
      if (expectedError !== undefined) {
        expect(result.error, 'expected the application to fail').toBeDefined()
        const [kind, loc, ...rest] = expectedError.split(' ')
        const [akind, aloc, ...arest] = result.error!.split(' ')
        expect(akind).toBe(kind)
        expect(aloc).toBe(loc)
        expect(arest.join(' ')).toContain(rest.join(' '))
        return
      }
      expect(result.error, result.error).toBeUndefined()
      expect(expectedOutputs.size, 'a golden file names at least one output stream').toBeGreaterThan(0)
      for (const [stream, rows] of expectedOutputs) {
        expect(result.outputs.get(stream) ?? [], `rows of ${stream}`).toEqual(rows)
      }
      // The columns no query reads may be left NULL (app run's reading thread does so): the
      // results, error_stream's included, are the same.
      expect(runGolden(sections, file, {leaveUnreadNull: true}).outputs).toEqual(result.outputs)
    })
  }
})
