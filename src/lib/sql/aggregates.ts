import type {SqlValue} from './types.js'

/**
 * Aggregate accumulators for GROUP BY and stagger windows. A state is a small JSON-serialisable
 * array, so window state can be checkpointed as it is. NULL inputs are skipped (COUNT(*) counts
 * rows); AVG of an integer column truncates, as KDA does.
 */
export interface Accumulator {
  init(): unknown[]
  add(state: unknown[], v: SqlValue): void
  result(state: unknown[]): SqlValue
}

const count: Accumulator = {
  init: () => [0],
  add(s, v) {
    if (v !== null) (s[0] as number)++
  },
  result: (s) => s[0] as number,
}

const countStar: Accumulator = {
  init: () => [0],
  add(s) {
    ;(s[0] as number)++
  },
  result: (s) => s[0] as number,
}

const sum: Accumulator = {
  init: () => [0, 0],
  add(s, v) {
    if (v === null) return
    s[0] = (s[0] as number) + (v as number)
    s[1] = (s[1] as number) + 1
  },
  result: (s) => ((s[1] as number) === 0 ? null : (s[0] as number)),
}

const avg = (integer: boolean): Accumulator => ({
  init: () => [0, 0],
  add(s, v) {
    if (v === null) return
    s[0] = (s[0] as number) + (v as number)
    s[1] = (s[1] as number) + 1
  },
  result(s) {
    if ((s[1] as number) === 0) return null
    const mean = (s[0] as number) / (s[1] as number)
    return integer ? Math.trunc(mean) : mean
  },
})

const min: Accumulator = {
  init: () => [null],
  add(s, v) {
    if (v !== null && (s[0] === null || (v as number) < (s[0] as number))) s[0] = v
  },
  result: (s) => s[0] as SqlValue,
}

const max: Accumulator = {
  init: () => [null],
  add(s, v) {
    if (v !== null && (s[0] === null || (v as number) > (s[0] as number))) s[0] = v
  },
  result: (s) => s[0] as SqlValue,
}

const firstValue = (ignoreNulls: boolean): Accumulator => ({
  init: () => [false, null],
  add(s, v) {
    if (s[0] || (ignoreNulls && v === null)) return
    s[0] = true
    s[1] = v
  },
  result: (s) => s[1] as SqlValue,
})

const lastValue = (ignoreNulls: boolean): Accumulator => ({
  init: () => [null],
  add(s, v) {
    if (!ignoreNulls || v !== null) s[0] = v
  },
  result: (s) => s[0] as SqlValue,
})

const variance = (kind: 'STDDEV_POP' | 'STDDEV_SAMP' | 'VAR_POP' | 'VAR_SAMP'): Accumulator => ({
  // Welford's algorithm: n, mean, M2
  init: () => [0, 0, 0],
  add(s, v) {
    if (v === null) return
    const x = v as number
    const n = (s[0] as number) + 1
    const delta = x - (s[1] as number)
    const mean = (s[1] as number) + delta / n
    s[0] = n
    s[1] = mean
    s[2] = (s[2] as number) + delta * (x - mean)
  },
  result(s) {
    const n = s[0] as number
    const sample = kind.endsWith('SAMP')
    if (n === 0 || (sample && n < 2)) return null
    const v = (s[2] as number) / (sample ? n - 1 : n)
    return kind.startsWith('STDDEV') ? Math.sqrt(v) : v
  },
})

const every: Accumulator = {
  init: () => [null],
  add(s, v) {
    if (v === null) return
    s[0] = s[0] === null ? v : (s[0] as boolean) && (v as boolean)
  },
  result: (s) => s[0] as SqlValue,
}

const any: Accumulator = {
  init: () => [null],
  add(s, v) {
    if (v === null) return
    s[0] = s[0] === null ? v : (s[0] as boolean) || (v as boolean)
  },
  result: (s) => s[0] as SqlValue,
}

export function accumulatorFor(name: string, opts: {star: boolean; ignoreNulls: boolean; integer: boolean}): Accumulator {
  switch (name) {
    case 'COUNT':
      return opts.star ? countStar : count
    case 'SUM':
      return sum
    case 'AVG':
      return avg(opts.integer)
    case 'MIN':
      return min
    case 'MAX':
      return max
    case 'FIRST_VALUE':
      return firstValue(opts.ignoreNulls)
    case 'LAST_VALUE':
      return lastValue(opts.ignoreNulls)
    case 'STDDEV':
    case 'STDDEV_SAMP':
      return variance('STDDEV_SAMP')
    case 'STDDEV_POP':
      return variance('STDDEV_POP')
    case 'VARIANCE':
    case 'VAR_SAMP':
      return variance('VAR_SAMP')
    case 'VAR_POP':
      return variance('VAR_POP')
    case 'EVERY':
      return every
    case 'ANY':
    case 'SOME':
      return any
  }
  throw new Error(`no accumulator for ${name}`)
}
