import {InternalError} from '../core/errors.js'
import type {Random} from '../core/random.js'
import type {OutRecord} from '../targets/types.js'
import {CATEGORIES, EXTERNAL_REFERRERS, SEARCH_TERMS, type Device, type Product} from './pools.js'
import type {SimEvent, Session} from './simulator.js'
import {SecondCache, apacheTime, flat, isoSecond, millis} from './time-format.js'

export type ProfileName = 'unicorn-shop' | 'lab' | 'beverage' | 'ads'
export type RecordFormat = 'apache' | 'json'

export const PROFILE_NAMES: readonly ProfileName[] = ['unicorn-shop', 'lab', 'beverage', 'ads']
export const RECORD_FORMATS: readonly RecordFormat[] = ['apache', 'json']

/** A click-through spike of the ads profile, in event time. */
export interface CtrAnomaly {
  from: number
  to: number
  /** Clicks per impression during the spike. */
  ctr: number
}

export interface ProfileSettings {
  /** Clicks per impression (ads). */
  ctr: number
  anomaly?: CtrAnomaly
}

export interface RenderContext {
  random: Random
  products: readonly Product[]
  /** Size of the visitor population. */
  visitors: number
  settings: ProfileSettings
}

export type RecordRenderer = (event: SimEvent, time: number) => OutRecord

export interface Profile {
  name: ProfileName
  format: RecordFormat
  summary: string
  /** Session shape that suits the workshop the profile comes from. */
  thinkTimeMs: number
  sessionGapMs: number
  registeredShare: number
  /** The smallest default population (more when the rate needs it). */
  minUsers: number
  healthChecks?: {intervalMs: number; agents: number}
  renderer(ctx: RenderContext): RecordRenderer
}

export const DEFAULT_CTR = 0.1
export const DEFAULT_ANOMALY_CTR = 0.6

const SHOP_HOST = 'https://www.unicornshop.com'
const LOAD_BALANCERS = ['172.31.4.149', '172.31.37.86']

/**
 * Seed 000's unicorn shop: Apache combined lines with the trailing cookie field
 * `"user = NAME; PHPSESSID=..."`, and the load balancer's health checks (without the cookie).
 */
/** A page of the shop, with its request-line text and URL built once for all records. */
interface Page {
  /** `] "GET /cart/ HTTP/1.1" `: everything between the time and the status. */
  request: string
  /** The full URL, which the next click sends as its referrer. */
  url: string
  /** `200 41234 "` for a successful response: a few sizes per page, as dynamic pages vary. */
  ok: string[]
}

const SIZES_PER_PAGE = 64

function page(random: Random, method: string, path: string, min: number, max: number): Page {
  return {
    request: flat(`] "${method} ${path} HTTP/1.1" `),
    url: flat(SHOP_HOST + path),
    ok: Array.from({length: SIZES_PER_PAGE}, () => flat(`200 ${random.int(min, max)} "`)),
  }
}

function unicornShopRenderer({random, products}: RenderContext): RecordRenderer {
  const time = new SecondCache(apacheTime)
  const home = page(random, 'GET', '/home/', 38_000, 46_000)
  const homeRedirect = page(random, 'GET', '/home', 0, 0)
  const categories = CATEGORIES.map((c) => page(random, 'GET', `/categories/${c}/`, 25_000, 60_000))
  const forbidden = page(random, 'GET', '/account/orders/', 0, 0)
  const searches = SEARCH_TERMS.map((t) => page(random, 'GET', `/search/?q=${t}`, 18_000, 52_000))
  const details = products.map((p) => page(random, 'GET', `/products/${p.name}/`, 30_000, 75_000))
  const cart = page(random, 'POST', '/cart/', 9_000, 16_000)
  const checkout = page(random, 'GET', '/checkout/', 12_000, 20_000)
  const login = page(random, 'POST', '/login/?next=/checkout/', 0, 0)
  const purchase = page(random, 'POST', '/checkout/confirm/', 8_000, 14_000)
  const healthRequest = '] "GET / HTTP/1.1" 200 '
  const healthTail = ' "-" "ELB-HealthChecker/2.0"'
  return (event, at) => {
    const stamp = time.get(at)
    if (event.kind === 'health') {
      const ip = LOAD_BALANCERS[event.agent % LOAD_BALANCERS.length]
      return {data: ip + ' - - [' + stamp + healthRequest + random.int(54_000, 56_000) + healthTail, time: at, partitionKey: ip}
    }
    const s = event.session
    const v = s.visitor
    let shown: Page
    let status = 200
    switch (s.stage) {
      case 'landing':
        shown = home
        if (v.sessions > 1 && random.next() < 0.08) status = 304
        else if (random.next() < 0.02) {
          shown = homeRedirect
          status = 301
        }
        break
      case 'browse':
        shown = categories[s.category % categories.length]
        if (!s.signedIn && random.next() < 0.01) {
          shown = forbidden
          status = 403
        }
        break
      case 'search':
        shown = searches[s.term % searches.length]
        break
      case 'detail':
        shown = details[s.product]
        if (random.next() < 0.015) status = 404
        break
      case 'cart':
        shown = cart
        break
      case 'checkout':
        if (s.signingIn) {
          shown = login
          status = 302
        } else shown = checkout
        break
      case 'purchase':
        shown = purchase
        break
    }
    if (status === 200 && random.next() < 0.005) status = random.next() < 0.8 ? 500 : 503
    let response: string
    if (status === 200) response = shown.ok[Math.floor(random.next() * SIZES_PER_PAGE)]
    else if (status === 304) response = '304 0 "'
    else if (status === 301 || status === 302) response = `${status} ${random.int(220, 260)} "`
    else response = `${status} ${random.int(1_200, 3_500)} "`
    const referrer = s.events === 1 ? EXTERNAL_REFERRERS[random.int(0, EXTERNAL_REFERRERS.length - 1)] : s.lastPage
    s.lastPage = shown.url
    if (s.renderedHead === '') s.renderedHead = flat(v.ip + ' - - [')
    if (s.rendered === '' || s.renderedSignedIn !== s.signedIn) {
      // Everything of the line that stays the same for the session, built once.
      s.rendered = flat(`" "${v.userAgent}" "user = ${s.signedIn ? v.username : 'anonymous'}; PHPSESSID=${s.id}"`)
      s.renderedSignedIn = s.signedIn
    }
    return {data: s.renderedHead + stamp + shown.request + response + referrer + s.rendered, time: at, partitionKey: v.key}
  }
}

const LAB_EVENTS: Record<Session['stage'], string> = {
  landing: 'navigate',
  browse: 'category',
  search: 'search',
  detail: 'detail',
  cart: 'navigate',
  checkout: 'checkout',
  purchase: 'checkout',
}

/**
 * Seed 004's lab events, for its LAG-based sessionization (a 10-second gap starts a session).
 * Its SQL holds user_id in a VARCHAR(7): `user1`…`user999`, or `u1000`… for larger populations.
 */
function labRenderer({visitors}: RenderContext): RecordRenderer {
  const prefix = visitors < 1000 ? 'user' : 'u'
  return (event, at) => {
    if (event.kind !== 'visit') throw new InternalError('the lab profile has no health checks')
    const s = event.session
    const user = prefix + s.visitor.key
    return {
      data: `{"user_id":"${user}","event_timestamp":${Math.floor(at)},"event_name":"${LAB_EVENTS[s.stage]}","event_type":"click","device_type":"${s.visitor.device}"}`,
      time: at,
      partitionKey: user,
    }
  }
}

const BEVERAGE_EVENTS: Record<Session['stage'], string> = {
  landing: 'beer_vitrine_nav',
  browse: 'beer_products',
  search: 'beer_selection',
  detail: 'beer_product_detail',
  cart: 'beer_cart',
  checkout: 'beer_checkout',
  purchase: 'beer_checkout',
}

const BEVERAGE_DEVICES: Record<Device, string> = {desktop: 'computer', mobile: 'mobile', tablet: 'tablet'}

/** Seed 001's beverage shop, as its Lambda wrote them (`client_timestamp` like Python's isoformat()). */
function beverageRenderer(): RecordRenderer {
  const seconds = new SecondCache(isoSecond)
  return (event, at) => {
    if (event.kind !== 'visit') throw new InternalError('the beverage profile has no health checks')
    const s = event.session
    const user = s.visitor.key
    return {
      data: `{"user_id":${user},"device_id":"${BEVERAGE_DEVICES[s.visitor.device]}","client_event":"${BEVERAGE_EVENTS[s.stage]}","client_timestamp":"${seconds.get(at)}.${millis(Math.floor(at))}000"}`,
      time: at,
      partitionKey: user,
    }
  }
}

const ADS_SITE = 'www.unicornshop.com'

/**
 * Seed 003's ad events: every page view is an ad impression, and a share of them a click. The
 * click-through rate rises during the anomaly window, which RANDOM_CUT_FOREST should flag.
 */
function adsRenderer({random, settings}: RenderContext): RecordRenderer {
  // A record is a click with probability ctr / (1 + ctr), so clicks / impressions = ctr.
  const click = (ctr: number) => ctr / (1 + ctr)
  const normal = click(settings.ctr)
  const anomaly = settings.anomaly
  const spike = anomaly ? click(anomaly.ctr) : normal
  return (event, at) => {
    if (event.kind !== 'visit') throw new InternalError('the ads profile has no health checks')
    const inSpike = anomaly !== undefined && at >= anomaly.from && at < anomaly.to
    const action = random.next() < (inSpike ? spike : normal) ? 'Click' : 'Impression'
    return {data: `{"browseraction":"${action}","site":"${ADS_SITE}"}`, time: at, partitionKey: event.session.visitor.key}
  }
}

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  'unicorn-shop': {
    name: 'unicorn-shop',
    format: 'apache',
    summary: 'seed 000: Apache combined log lines of the unicorn shop, with the cookie field and health checks',
    thinkTimeMs: 10_000,
    sessionGapMs: 30 * 60_000,
    registeredShare: 0.45,
    minUsers: 2000,
    healthChecks: {intervalMs: 30_000, agents: LOAD_BALANCERS.length},
    renderer: unicornShopRenderer,
  },
  lab: {
    name: 'lab',
    format: 'json',
    summary: 'seed 004: {"user_id","event_timestamp","event_name","event_type","device_type"}',
    thinkTimeMs: 2_500,
    sessionGapMs: 60_000,
    registeredShare: 0,
    minUsers: 50,
    renderer: labRenderer,
  },
  beverage: {
    name: 'beverage',
    format: 'json',
    summary: 'seed 001: {"user_id","device_id","client_event","client_timestamp"}',
    thinkTimeMs: 5_000,
    sessionGapMs: 2 * 60_000,
    registeredShare: 0,
    minUsers: 300,
    renderer: beverageRenderer,
  },
  ads: {
    name: 'ads',
    format: 'json',
    summary: 'seed 003: {"browseraction":"Click"|"Impression","site"} with a click-through rate that can spike',
    thinkTimeMs: 10_000,
    sessionGapMs: 30 * 60_000,
    registeredShare: 0,
    minUsers: 2000,
    renderer: adsRenderer,
  },
}

/** The profile used when only `--format` is given. */
export const DEFAULT_PROFILE: Readonly<Record<RecordFormat, ProfileName>> = {apache: 'unicorn-shop', json: 'lab'}
