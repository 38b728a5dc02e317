/**
 * The JSONPath subset KDA input mappings use: `$`, `.name`, `['name']` / `["name"]`, `[n]` and
 * `[0:]` (the whole array; followed by more steps, one row per element). Paths are
 * case-sensitive; a missing element is null, not an error.
 */
export type PathStep = {kind: 'key'; name: string} | {kind: 'index'; index: number} | {kind: 'all'}

export interface JsonPath {
  text: string
  steps: PathStep[]
  /** Index of the `[0:]` step, or -1. */
  flattenAt: number
}

/** Parses a path; returns the reason as a string when it cannot, so callers can name the place. */
export function parseJsonPath(text: string): JsonPath | string {
  const t = text.trim()
  if (!t.startsWith('$')) return `a mapping starts with '$' (as in '$.user_id'), found '${text}'`
  const steps: PathStep[] = []
  let i = 1
  while (i < t.length) {
    const c = t[i]
    if (c === '.') {
      const m = /^[^.[\]]+/.exec(t.slice(i + 1))
      if (!m) return `expected a name after '.' at character ${i + 2} of '${text}'`
      steps.push({kind: 'key', name: m[0]})
      i += 1 + m[0].length
    } else if (c === '[') {
      const close = t.indexOf(']', i)
      if (close < 0) return `unclosed '[' at character ${i + 1} of '${text}'`
      const inner = t.slice(i + 1, close).trim()
      const quoted = /^(['"])(.*)\1$/.exec(inner)
      if (quoted) steps.push({kind: 'key', name: quoted[2]})
      else if (/^\d+$/.test(inner)) steps.push({kind: 'index', index: Number(inner)})
      else if (/^0\s*:$/.test(inner)) steps.push({kind: 'all'})
      else return `unsupported selector '[${inner}]' in '${text}' (use [n], [0:] or ['name'])`
      i = close + 1
    } else {
      return `unexpected '${c}' at character ${i + 1} of '${text}'`
    }
  }
  const alls = steps.filter((s) => s.kind === 'all').length
  if (alls > 1) return `only one [0:] is allowed in a mapping, found ${alls} in '${text}'`
  return {text: t, steps, flattenAt: steps.findIndex((s) => s.kind === 'all')}
}

/** `record[key]` when the record has that key itself: never what Object.prototype has (`constructor`, `toString`). */
export const ownValue = (record: Record<string, unknown>, key: string): unknown => (Object.hasOwn(record, key) ? record[key] : undefined)

/** Follows steps from `value`; undefined when an element is missing. */
export function followSteps(value: unknown, steps: readonly PathStep[], from = 0, to = steps.length): unknown {
  let v = value
  for (let i = from; i < to; i++) {
    const step = steps[i]
    if (v === null || v === undefined) return undefined
    if (step.kind === 'key') {
      if (typeof v !== 'object' || Array.isArray(v)) return undefined
      v = ownValue(v as Record<string, unknown>, step.name)
    } else if (step.kind === 'index') {
      if (!Array.isArray(v)) return undefined
      v = v[step.index]
    } else {
      // `[0:]` as the last step: the whole array.
      if (!Array.isArray(v)) return undefined
    }
  }
  return v
}
