import {describe, expect, it} from 'vitest'
import {Random} from '../../../src/lib/core/random.js'
import {Population} from '../../../src/lib/events/population.js'
import {EventSchedule} from '../../../src/lib/events/schedule.js'
import {ClickSimulator, expectedSessionLength, type Session} from '../../../src/lib/events/simulator.js'

function simulate(users: number, events: number, rate = 20) {
  const random = new Random(11)
  const population = new Population(random.fork('world'), {size: users, registeredShare: 0.5})
  const simulator = new ClickSimulator(random.fork('visits'), population, {thinkTimeMs: 8_000, sessionGapMs: 10 * 60_000, products: 50, categories: 8, searchTerms: 10})
  const schedule = new EventSchedule(0, rate, 'flat', random.fork('schedule'))
  // Sessions change as they go on: keep what each event showed.
  const seen: Array<{time: number; session: Session; stage: Session['stage']; signedIn: boolean; signingIn: boolean}> = []
  for (let i = 0; i < events; i++) {
    const time = schedule.next()
    const event = simulator.next(time)
    if (event.kind === 'visit') {
      const s = event.session
      seen.push({time, session: s, stage: s.stage, signedIn: s.signedIn, signingIn: s.signingIn})
    }
  }
  return {simulator, seen}
}

describe('visitor and session simulator', () => {
  const {simulator, seen} = simulate(20_000, 60_000)

  it('brings visitors back in several sessions, always with the same address, browser and device', () => {
    const byVisitor = new Map<number, {sessions: Set<string>; ips: Set<string>; agents: Set<string>; devices: Set<string>}>()
    for (const {session} of seen) {
      const v = session.visitor
      const entry = byVisitor.get(v.index) ?? {sessions: new Set(), ips: new Set(), agents: new Set(), devices: new Set()}
      entry.sessions.add(session.id)
      entry.ips.add(v.ip)
      entry.agents.add(v.userAgent)
      entry.devices.add(v.device)
      byVisitor.set(v.index, entry)
    }
    const returning = [...byVisitor.values()].filter((e) => e.sessions.size > 1)
    expect(returning.length).toBeGreaterThan(500)
    for (const e of byVisitor.values()) {
      expect(e.ips.size).toBe(1)
      expect(e.agents.size).toBe(1)
      expect(e.devices.size).toBe(1)
    }
  })

  it('keeps clicks of a session seconds apart and a visitor\'s sessions at least the gap apart', () => {
    const lastBySession = new Map<string, number>()
    const sessionsOf = new Map<number, Array<{first: number; last: number}>>()
    const thinks: number[] = []
    for (const {time, session} of seen) {
      const previous = lastBySession.get(session.id)
      if (previous === undefined) {
        const list = sessionsOf.get(session.visitor.index) ?? []
        list.push({first: time, last: time})
        sessionsOf.set(session.visitor.index, list)
      } else {
        thinks.push(time - previous)
        const list = sessionsOf.get(session.visitor.index) as Array<{first: number; last: number}>
        list[list.length - 1].last = time
      }
      lastBySession.set(session.id, time)
    }
    thinks.sort((a, b) => a - b)
    const median = thinks[Math.floor(thinks.length / 2)]
    expect(median).toBeGreaterThan(2_000)
    expect(median).toBeLessThan(15_000)
    for (const list of sessionsOf.values()) {
      for (let i = 1; i < list.length; i++) expect(list[i].first - list[i - 1].last).toBeGreaterThanOrEqual(10 * 60_000)
    }
    expect(simulator.stats.earlyReturns + simulator.stats.hurriedEvents).toBe(0)
  })

  it('walks the funnel: more product views than carts, more carts than purchases, some purchases', () => {
    const stages: Record<string, number> = {}
    for (const {stage} of seen) stages[stage] = (stages[stage] ?? 0) + 1
    expect(stages.detail).toBeGreaterThan(stages.cart)
    expect(stages.cart).toBeGreaterThan(stages.purchase)
    expect(stages.purchase).toBeGreaterThan(0)
    const sessions = new Set(seen.map((e) => e.session.id)).size
    expect(seen.length / sessions).toBeGreaterThan(2.5)
    expect(expectedSessionLength()).toBeGreaterThan(2.5)
  })

  it('has anonymous and signed-in sessions, and registered visitors sign in at checkout', () => {
    const signedIn = seen.filter((e) => e.signedIn).length
    expect(signedIn).toBeGreaterThan(seen.length * 0.1)
    expect(signedIn).toBeLessThan(seen.length * 0.9)
    expect(seen.some((e) => e.signingIn && e.stage === 'checkout')).toBe(true)
    expect(seen.filter((e) => !e.session.visitor.username).every((e) => !e.signedIn)).toBe(true)
  })

  it('says so when the population is too small for the rate', () => {
    const small = simulate(20, 5_000, 50)
    expect(small.simulator.stats.earlyReturns + small.simulator.stats.hurriedEvents).toBeGreaterThan(0)
  })
})
