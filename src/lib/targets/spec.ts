import {UsageError} from '../core/errors.js'

/**
 * Where records go to or come from, named with one syntax everywhere (`--to`, `--from`,
 * `--input`, `--output STREAM=TARGET`): `-`, `file:PATH`, `local:NAME`, `kinesis:NAME|ARN`,
 * `firehose:NAME|ARN`, `lake:TABLE`.
 */
export type TargetSpec =
  | {kind: 'stdio'}
  | {kind: 'file'; path: string; gzip: boolean}
  | {kind: 'local'; name: string}
  | {kind: 'kinesis'; name: string; arn?: string}
  | {kind: 'firehose'; name: string; arn?: string}
  | {kind: 'lake'; table: string}

export type TargetKind = TargetSpec['kind']

export const TARGET_SYNTAX = '-, file:PATH, local:NAME, kinesis:NAME, firehose:NAME or lake:TABLE'

const NAME = /^[A-Za-z0-9_.-]{1,128}$/
const TABLE = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/

/** Parses a target; `what` names the flag for errors (e.g. `--to`). */
export function parseTarget(text: string, what: string): TargetSpec {
  const t = text.trim()
  if (t === '-') return {kind: 'stdio'}
  const colon = t.indexOf(':')
  const scheme = colon > 0 ? t.slice(0, colon) : ''
  const rest = colon > 0 ? t.slice(colon + 1) : ''
  const bad = (why: string) =>
    new UsageError(`${what} '${text}': ${why}`, {suggestions: [`Name a target as ${TARGET_SYNTAX}.`]})
  switch (scheme) {
    case 'file': {
      if (!rest) throw bad('the file path is empty.')
      return {kind: 'file', path: rest, gzip: rest.endsWith('.gz')}
    }
    case 'local':
      if (!NAME.test(rest)) throw bad('a local stream name is 1-128 letters, digits, _ . or -.')
      return {kind: 'local', name: rest}
    case 'kinesis':
    case 'firehose': {
      if (rest.startsWith('arn:')) {
        const m = /^arn:aws[a-z-]*:(kinesis|firehose):[a-z0-9-]+:\d{12}:(?:stream|deliverystream)\/([A-Za-z0-9_.-]{1,128})$/.exec(rest)
        if (!m || m[1] !== scheme) throw bad(`not a ${scheme} stream ARN.`)
        return {kind: scheme, name: m[2], arn: rest}
      }
      if (!NAME.test(rest)) throw bad(`a ${scheme} stream name is 1-128 letters, digits, _ . or -.`)
      return {kind: scheme, name: rest}
    }
    case 'lake':
      if (!TABLE.test(rest)) throw bad('a lake table name starts with a letter or _ and holds letters, digits and _.')
      return {kind: 'lake', table: rest}
    default:
      throw bad(scheme ? `unknown kind '${scheme}'.` : 'a target names its kind.')
  }
}

export function formatTarget(spec: TargetSpec): string {
  switch (spec.kind) {
    case 'stdio':
      return '-'
    case 'file':
      return `file:${spec.path}`
    case 'local':
      return `local:${spec.name}`
    case 'kinesis':
    case 'firehose':
      return `${spec.kind}:${spec.arn ?? spec.name}`
    case 'lake':
      return `lake:${spec.table}`
  }
}
