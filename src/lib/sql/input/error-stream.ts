import type {Column, Row} from '../types.js'

/** KDA's system stream for records that could not be mapped (dev/error-handling). */
export const ERROR_STREAM = 'error_stream'

export const ERROR_STREAM_COLUMNS: Column[] = [
  {name: 'ERROR_TIME', type: {name: 'TIMESTAMP'}},
  {name: 'ERROR_LEVEL', type: {name: 'VARCHAR', length: 10}},
  {name: 'ERROR_NAME', type: {name: 'VARCHAR', length: 32}},
  {name: 'MESSAGE', type: {name: 'VARCHAR', length: 4096}},
  {name: 'DATA_ROWTIME', type: {name: 'TIMESTAMP'}},
  {name: 'DATA_ROW', type: {name: 'VARCHAR', length: 49152}},
  {name: 'PUMP_NAME', type: {name: 'VARCHAR', length: 128}},
]

/** KDA hex-encodes the offending record in DATA_ROW; we keep that, capped at the column width. */
export function errorStreamRow(options: {errorTime: number; message: string; data: string; dataRowtime: number; name?: string}): Row {
  const hex = Buffer.from(options.data, 'utf8').toString('hex').slice(0, 49152)
  return [options.errorTime, 'ERROR', options.name ?? 'Input_Coercion_Error', options.message.slice(0, 4096), options.dataRowtime, hex, null]
}
