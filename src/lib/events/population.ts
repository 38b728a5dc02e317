import type {Random} from '../core/random.js'
import {DEVICE_WEIGHTS, DEVICES, USER_AGENTS, makePublicIp, makeUsername, type Device} from './pools.js'

const REGULAR_SHARE = 1 / 6
const REGULAR_WEIGHT = 3

/**
 * One person visiting the site, the same across all of their sessions: the same address,
 * browser and device, and (when registered) the same login name.
 */
export interface Visitor {
  /** 0-based position in the population; profiles derive their ids from it (user_id 1 … N). */
  readonly index: number
  /** index + 1 as text: the visitor's id in records and their partition key. */
  readonly key: string
  readonly ip: string
  readonly userAgent: string
  readonly device: Device
  /** The account name of a registered visitor; null for visitors who never sign in. */
  readonly username: string | null
  sessions: number
}

export interface PopulationOptions {
  size: number
  /** Share of visitors with an account (they may still browse signed out). */
  registeredShare: number
  /** Share of visitors behind an address another visitor already uses (offices, carrier NAT). */
  sharedIpShare?: number
}

/**
 * A fixed set of visitors and a sampler that favours some of them: regulars come back often, most
 * visitors now and then, as on a real site. Memory is proportional to the population, not to the records made.
 */
export class Population {
  readonly visitors: Visitor[]
  /**
   * When each visitor may start a session again, by index (event time, ms; +Infinity while one
   * runs). Kept apart from the visitor objects so that picking a free visitor reads one small array.
   */
  readonly freeFrom: Float64Array
  private readonly alias: Int32Array
  private readonly probability: Float64Array

  constructor(random: Random, options: PopulationOptions) {
    const taken = new Set<string>()
    const sharedShare = options.sharedIpShare ?? 0.05
    this.visitors = []
    this.freeFrom = new Float64Array(options.size).fill(Number.NEGATIVE_INFINITY)
    for (let index = 0; index < options.size; index++) {
      const device = random.weighted(DEVICES, DEVICE_WEIGHTS)
      const ip = index > 0 && random.chance(sharedShare) ? this.visitors[random.int(0, index - 1)].ip : makePublicIp(random)
      this.visitors.push({
        index,
        key: String(index + 1),
        ip,
        userAgent: random.pick(USER_AGENTS[device]),
        device,
        username: random.chance(options.registeredShare) ? makeUsername(random, taken) : null,
        sessions: 0,
      })
    }
    // Regulars (one visitor in six) come back three times as often as the others.
    const weights = this.visitors.map(() => (random.chance(REGULAR_SHARE) ? REGULAR_WEIGHT : 1))
    ;({alias: this.alias, probability: this.probability} = buildAliasTable(weights))
  }

  get size(): number {
    return this.visitors.length
  }

  /** The index of a visitor drawn by visit frequency, in constant time. */
  draw(random: Random): number {
    const column = Math.floor(random.next() * this.visitors.length)
    return random.next() < this.probability[column] ? column : this.alias[column]
  }
}

/** Vose's alias method: sampling from a discrete distribution in O(1). */
function buildAliasTable(weights: readonly number[]): {alias: Int32Array; probability: Float64Array} {
  const n = weights.length
  const total = weights.reduce((a, b) => a + b, 0)
  const scaled = weights.map((w) => (w * n) / total)
  const alias = new Int32Array(n)
  const probability = new Float64Array(n)
  const small: number[] = []
  const large: number[] = []
  scaled.forEach((p, i) => (p < 1 ? small : large).push(i))
  while (small.length > 0 && large.length > 0) {
    const s = small.pop() as number
    const l = large.pop() as number
    probability[s] = scaled[s]
    alias[s] = l
    scaled[l] = scaled[l] + scaled[s] - 1
    ;(scaled[l] < 1 ? small : large).push(l)
  }
  for (const i of [...small, ...large]) probability[i] = 1
  return {alias, probability}
}
