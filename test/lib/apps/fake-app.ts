import type {ApplicationRuntime, CompiledApplication, RuntimeOptions, StreamInfo} from '../../../src/lib/sql/api.js'
import type {Row} from '../../../src/lib/sql/types.js'

/**
 * A stand-in for a compiled application with one stateful pump: counts rows per user in 10-second
 * tumbling windows of ROWTIME and emits (USER_ID, EVENTS) into COUNTS when a window closes (a
 * later row, a heartbeat or the end of input), and echoes every row into ECHO. Enough to test the
 * runner's plumbing (heartbeats, end, checkpoints) apart from the real engine.
 */
export function windowCountApp(): CompiledApplication {
  const streams: StreamInfo[] = [
    {name: 'SOURCE_SQL_STREAM_001', columns: [{name: 'user_id', type: {name: 'VARCHAR', length: 16}}], isSource: true, isPumped: false, isTerminal: false, columnsRead: [true]},
    {name: 'ECHO', columns: [{name: 'USER_ID', type: {name: 'VARCHAR', length: 16}}], isSource: false, isPumped: true, isTerminal: true, columnsRead: [false]},
    {
      name: 'COUNTS',
      columns: [
        {name: 'USER_ID', type: {name: 'VARCHAR', length: 16}},
        {name: 'EVENTS', type: {name: 'BIGINT'}},
        {name: 'WINDOW_START', type: {name: 'TIMESTAMP'}},
      ],
      isSource: false,
      isPumped: true,
      isTerminal: true,
      columnsRead: [false, false, false],
    },
  ]
  return {
    streams,
    explain: () => 'COUNTS <- window count\nECHO <- echo',
    createRuntime(options: RuntimeOptions): ApplicationRuntime {
      type State = {window?: number; counts: Record<string, number>}
      const state: State = (options.restore as State | undefined) ?? {counts: {}}
      const close = (until: number) => {
        if (state.window === undefined || until < state.window + 10_000) return
        for (const [user, n] of Object.entries(state.counts)) options.onRow('COUNTS', [user, n, state.window], state.window + 10_000)
        state.counts = {}
        state.window = undefined
      }
      return {
        push(stream: string, row: Row, rowtime: number) {
          if (stream !== 'SOURCE_SQL_STREAM_001') throw new Error(`unknown stream ${stream}`)
          close(rowtime)
          state.window ??= Math.floor(rowtime / 10_000) * 10_000
          const user = String(row[0])
          state.counts[user] = (state.counts[user] ?? 0) + 1
          options.onRow('ECHO', [user], rowtime)
        },
        advanceTime: (t: number) => close(t),
        end: () => close(Infinity),
        snapshot: () => JSON.parse(JSON.stringify(state)),
      }
    },
  }
}
