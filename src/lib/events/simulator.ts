import type {Random} from '../core/random.js'
import type {Population, Visitor} from './population.js'
import {flat} from './time-format.js'

/** Where a visitor is in the shop: the funnel browse → detail → cart → checkout → purchase. */
export type Stage = 'landing' | 'browse' | 'search' | 'detail' | 'cart' | 'checkout' | 'purchase'

type Next = Stage | 'exit'

/**
 * Transition probabilities of the funnel (each row sums to 1). Cart → checkout and
 * checkout → purchase are the conversion steps; the rest keeps people browsing for a few pages.
 */
export const FUNNEL: Readonly<Record<Stage, ReadonlyArray<readonly [Next, number]>>> = {
  landing: [['browse', 0.42], ['search', 0.18], ['detail', 0.15], ['exit', 0.25]],
  browse: [['browse', 0.18], ['detail', 0.47], ['search', 0.1], ['exit', 0.25]],
  search: [['detail', 0.5], ['browse', 0.12], ['search', 0.1], ['exit', 0.28]],
  detail: [['detail', 0.18], ['browse', 0.17], ['cart', 0.28], ['exit', 0.37]],
  cart: [['checkout', 0.55], ['detail', 0.15], ['exit', 0.3]],
  checkout: [['purchase', 0.62], ['cart', 0.08], ['exit', 0.3]],
  purchase: [['browse', 0.1], ['exit', 0.9]],
}

interface Step {
  next: Next[]
  /** Running totals of the row's probabilities, for one draw per transition. */
  cumulative: number[]
}

function step(stage: Stage): Step {
  const row = FUNNEL[stage]
  let total = 0
  return {next: row.map(([n]) => n), cumulative: row.map(([, w]) => (total += w))}
}

const STEPS: Readonly<Record<Stage, Step>> = {
  landing: step('landing'),
  browse: step('browse'),
  search: step('search'),
  detail: step('detail'),
  cart: step('cart'),
  checkout: step('checkout'),
  purchase: step('purchase'),
}

/** Expected events per session of the funnel, solved from its transition table. */
export function expectedSessionLength(): number {
  const stages = Object.keys(FUNNEL) as Stage[]
  const expected: Record<string, number> = Object.fromEntries(stages.map((s) => [s, 1]))
  for (let iteration = 0; iteration < 500; iteration++) {
    for (const stage of stages) {
      let e = 1
      for (const [next, p] of FUNNEL[stage]) if (next !== 'exit') e += p * expected[next]
      expected[stage] = e
    }
  }
  return expected.landing
}

export interface Session {
  /** 32 hex digits, like PHP's session id. */
  readonly id: string
  readonly visitor: Visitor
  /** 1 for the visitor's first session, 2 for their second, … */
  readonly number: number
  stage: Stage
  /** True when the visitor is signed in (stays true for the rest of the session). */
  signedIn: boolean
  /** True on the event where the visitor signs in (at checkout). */
  signingIn: boolean
  /** Events so far, including the current one. */
  events: number
  category: number
  product: number
  term: number
  /** What the renderer showed last (a page URL), for the next event's referrer. */
  lastPage: string
  /** The renderer's per-session text (e.g. the address, user agent and cookie fields), built once. */
  renderedHead: string
  rendered: string
  renderedSignedIn: boolean
  /** The stage of the session's next event, and when it is due. */
  pending: Stage
  due: number
}

const HEX_BYTES = Array.from({length: 256}, (_, i) => i.toString(16).padStart(2, '0'))

/** 32 hex digits from four random words (a table lookup per byte: this runs once per session). */
function sessionId(random: Random): string {
  let id = ''
  for (let i = 0; i < 4; i++) {
    const w = random.uint32()
    id += HEX_BYTES[w >>> 24] + HEX_BYTES[(w >>> 16) & 255] + HEX_BYTES[(w >>> 8) & 255] + HEX_BYTES[w & 255]
  }
  return flat(id)
}

/** How many visitors a new session looks through before it gives up on the session gap. */
const SCAN_LIMIT = 4096

export type SimEvent = {kind: 'visit'; session: Session} | {kind: 'health'; agent: number}

export interface SimulatorOptions {
  /** Mean pause between two events of a session, ms. */
  thinkTimeMs: number
  /** Shortest pause between two sessions of the same visitor, ms. */
  sessionGapMs: number
  products: number
  categories: number
  searchTerms: number
  /** Share of registered visitors who start a session signed in (the rest sign in at checkout). */
  signedInShare?: number
  /** A load balancer's health checks: every `intervalMs`, from each of `agents` agents in turn. */
  healthChecks?: {intervalMs: number; agents: number}
}

export interface SimulatorStats {
  sessions: number
  /** Sessions that started before the visitor's gap had passed (the population is too small for the rate). */
  earlyReturns: number
  /** Events served before their think time was over, for the same reason. */
  hurriedEvents: number
}

/**
 * Turns a series of event times into who does what. Each time slot goes to the session whose
 * next click is due (earliest first); when none is due, a visitor arrives and starts a session.
 * So the output rate is exactly the slot rate, and the number of open sessions settles where
 * their clicks fill it. Visitors return only after the session gap, with the same address,
 * browser and device.
 */
export class ClickSimulator {
  private readonly heap: Session[] = []
  private nextHealth = Number.NaN
  private healthAgent = 0
  readonly stats: SimulatorStats = {sessions: 0, earlyReturns: 0, hurriedEvents: 0}
  private readonly thinkMin: number
  // One event object per kind, refilled on every call: records are rendered before the next call.
  private readonly visit: {kind: 'visit'; session: Session} = {kind: 'visit', session: undefined as unknown as Session}
  private readonly health: {kind: 'health'; agent: number} = {kind: 'health', agent: 0}

  constructor(
    private readonly random: Random,
    readonly population: Population,
    private readonly options: SimulatorOptions,
  ) {
    this.thinkMin = Math.min(1000, options.thinkTimeMs / 2)
  }

  /**
   * The event that happens at `time` (times must not decrease between calls). The returned
   * object is reused by the next call: read it before calling again.
   */
  next(time: number): SimEvent {
    const health = this.options.healthChecks
    if (health) {
      if (Number.isNaN(this.nextHealth)) this.nextHealth = time + this.random.float(0, health.intervalMs)
      if (this.nextHealth <= time) {
        this.nextHealth += health.intervalMs / health.agents
        this.healthAgent = (this.healthAgent + 1) % health.agents
        this.health.agent = this.healthAgent
        return this.health
      }
    }
    const top = this.heap[0]
    if (top !== undefined && top.due <= time) return this.continueSession(this.pop(), time)
    const visitor = this.arrivingVisitor(time)
    if (visitor === undefined) {
      // Everyone who could come is busy or came too recently: serve the next click early.
      this.stats.hurriedEvents++
      return this.continueSession(this.pop(), time)
    }
    return this.startSession(visitor, time)
  }

  private arrivingVisitor(time: number): Visitor | undefined {
    const {freeFrom, visitors} = this.population
    for (let attempt = 0; attempt < 16; attempt++) {
      const i = this.population.draw(this.random)
      if (freeFrom[i] <= time) return visitors[i]
    }
    // The frequent visitors drawn are all busy or resting: look for anyone free, a bounded walk.
    const from = this.random.int(0, visitors.length - 1)
    for (let step = 0, n = Math.min(visitors.length, SCAN_LIMIT); step < n; step++) {
      const i = (from + step) % visitors.length
      if (freeFrom[i] <= time) return visitors[i]
    }
    if (this.heap.length > 0) return undefined
    // No session is open, so every visitor is free; the gap cannot be kept.
    this.stats.earlyReturns++
    return visitors[this.population.draw(this.random)]
  }

  private startSession(visitor: Visitor, time: number): SimEvent {
    this.population.freeFrom[visitor.index] = Number.POSITIVE_INFINITY
    visitor.sessions++
    this.stats.sessions++
    const session: Session = {
      id: sessionId(this.random),
      visitor,
      number: visitor.sessions,
      stage: 'landing',
      signedIn: visitor.username !== null && this.random.chance(this.options.signedInShare ?? 0.6),
      signingIn: false,
      events: 1,
      category: this.random.int(0, this.options.categories - 1),
      product: this.random.int(0, this.options.products - 1),
      term: 0,
      lastPage: '',
      renderedHead: '',
      rendered: '',
      renderedSignedIn: false,
      pending: 'landing',
      due: time,
    }
    this.schedule(session, time)
    this.visit.session = session
    return this.visit
  }

  private continueSession(session: Session, time: number): SimEvent {
    const next = session.pending
    session.events++
    session.signingIn = false
    switch (next) {
      case 'browse':
        session.category = this.random.int(0, this.options.categories - 1)
        break
      case 'search':
        session.term = this.random.int(0, this.options.searchTerms - 1)
        break
      case 'detail':
        session.product = this.random.int(0, this.options.products - 1)
        break
      case 'checkout':
        if (!session.signedIn && session.visitor.username !== null) {
          session.signedIn = true
          session.signingIn = true
        }
        break
    }
    session.stage = next
    this.schedule(session, time)
    this.visit.session = session
    return this.visit
  }

  /** Decides whether the session goes on after this event, and when. */
  private schedule(session: Session, time: number): void {
    const {next: choices, cumulative} = STEPS[session.stage]
    const r = this.random.next() * cumulative[cumulative.length - 1]
    let i = 0
    while (i < cumulative.length - 1 && r >= cumulative[i]) i++
    const next = choices[i]
    if (next === 'exit') {
      this.population.freeFrom[session.visitor.index] = time + this.options.sessionGapMs
      return
    }
    session.pending = next
    session.due = time + this.thinkMin + this.random.exponential(this.options.thinkTimeMs - this.thinkMin)
    this.push(session)
  }

  /** Sessions still open. */
  get openSessions(): number {
    return this.heap.length
  }

  private push(session: Session): void {
    const heap = this.heap
    let i = heap.length
    heap.push(session)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heap[parent].due <= session.due) break
      heap[i] = heap[parent]
      i = parent
    }
    heap[i] = session
  }

  private pop(): Session {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop() as Session
    if (heap.length > 0) {
      let i = 0
      const n = heap.length
      for (;;) {
        const l = 2 * i + 1
        if (l >= n) break
        const r = l + 1
        const child = r < n && heap[r].due < heap[l].due ? r : l
        if (heap[child].due >= last.due) break
        heap[i] = heap[child]
        i = child
      }
      heap[i] = last
    }
    return top
  }
}
