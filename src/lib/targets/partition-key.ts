import type {OutRecord} from './types.js'

/**
 * The partition key of a record: its own key, else the value of `field` in its JSON payload
 * (`--partition-key-field user_id`), else undefined (the sink chooses). A payload that is not
 * JSON, or lacks the field, has no key from it.
 */
export function partitionKeyOf(record: OutRecord, field: string | undefined): string | undefined {
  if (record.partitionKey !== undefined && record.partitionKey !== '') return record.partitionKey
  if (field === undefined) return undefined
  let doc: unknown
  try {
    doc = JSON.parse(record.data)
  } catch {
    return undefined
  }
  if (doc === null || typeof doc !== 'object') return undefined
  const value = (doc as Record<string, unknown>)[field]
  if (value === undefined || value === null || value === '') return undefined
  return typeof value === 'string' ? value : JSON.stringify(value)
}
