import type {Random} from '../core/random.js'
import {flat} from './time-format.js'

/**
 * The raw material visitors and pages are drawn from. Drawn once at start-up with the run's
 * seeded Random, so the per-record work is picking from arrays and joining strings.
 */

export type Device = 'desktop' | 'mobile' | 'tablet'

export const DEVICES: readonly Device[] = ['desktop', 'mobile', 'tablet']
/** Share of visitors per device (desktop, mobile, tablet). */
export const DEVICE_WEIGHTS: readonly number[] = [0.48, 0.42, 0.1]

export const USER_AGENTS: Readonly<Record<Device, readonly string[]>> = {
  desktop: [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.68',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
    'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
    'Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36',
  ],
  mobile: [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Mobile Safari/537.36',
    'Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.102 Mobile Safari/537.36',
    'Mozilla/5.0 (Linux; Android 12; moto g(60)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.6613.127 Mobile Safari/537.36',
    'Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
  ],
  tablet: [
    'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (iPad; CPU OS 16_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Safari/537.36',
    'Mozilla/5.0 (Linux; Android 13; Lenovo TB-X606F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.6533.103 Safari/537.36',
  ],
}

const FIRST_NAMES = [
  'ada', 'alan', 'alice', 'amara', 'anna', 'arjun', 'ava', 'bea', 'ben', 'carla', 'chen', 'chloe', 'dan', 'dara', 'diego',
  'elena', 'eli', 'emma', 'ethan', 'fatima', 'felix', 'gia', 'grace', 'hana', 'hugo', 'ines', 'isaac', 'ivy', 'jack',
  'jade', 'jonas', 'kai', 'kira', 'lea', 'leo', 'lina', 'luca', 'maya', 'milo', 'mina', 'nadia', 'nico', 'noah', 'nora',
  'omar', 'paula', 'priya', 'quinn', 'rafa', 'rosa', 'sam', 'sara', 'siskin', 'sofia', 'tariq', 'theo', 'uma', 'vera',
  'wei', 'yara', 'yusuf', 'zoe',
]

const LAST_NAMES = [
  'abbott', 'alvarez', 'baker', 'banerjee', 'barros', 'bell', 'berg', 'brandt', 'carter', 'chow', 'costa', 'dahl', 'diaz',
  'dubois', 'evans', 'ferreira', 'fischer', 'garcia', 'grant', 'haas', 'hale', 'ito', 'jensen', 'kaur', 'keller', 'kim',
  'kowalski', 'lang', 'lopez', 'mehta', 'meyer', 'moreau', 'mori', 'nakamura', 'novak', 'okafor', 'olsen', 'park',
  'patel', 'perez', 'quinn', 'rossi', 'sato', 'schmidt', 'silva', 'singh', 'stemson', 'tanaka', 'torres', 'vargas',
  'weber', 'wong', 'young', 'zhang',
]

export const CATEGORIES = ['unicorns', 'rainbows', 'horns', 'saddles', 'plush', 'costumes', 'glitter', 'stables'] as const

export const SEARCH_TERMS = [
  'rainbow', 'pink+unicorn', 'horn+polish', 'glitter', 'saddle', 'plush', 'gift', 'costume', 'winged', 'sparkle', 'baby+unicorn',
  'golden+horn', 'mane+brush', 'stable+kit', 'sale',
]

/** Where visitors come from at the start of a session; `-` is a direct visit. */
export const EXTERNAL_REFERRERS = ['-', '-', '-', 'https://www.google.com/', 'https://www.google.com/', 'https://www.bing.com/', 'https://duckduckgo.com/', 'https://www.facebook.com/', 'https://t.co/', 'https://www.instagram.com/', 'https://www.pinterest.com/']

const SYLLABLES = ['ma', 'ree', 'qe', 'os', 'lu', 'na', 'ti', 'ka', 'zo', 'bel', 'fi', 'ra', 'mi', 'sto', 'va', 'le', 'dor', 'pi', 'xa', 'en', 'sha', 'gle', 'mo', 'ny']

export interface Product {
  name: string
  category: string
  price: number
}

/** Product names like seed 000's `Meeqeos`: two or three syllables, capitalised, unique. */
export function makeProducts(random: Random, count: number): Product[] {
  const seen = new Set<string>()
  const products: Product[] = []
  while (products.length < count) {
    const parts = random.int(2, 3)
    let name = ''
    for (let i = 0; i < parts; i++) name += random.pick(SYLLABLES)
    name = name[0].toUpperCase() + name.slice(1)
    if (seen.has(name)) {
      if (seen.size > count * 4) name += products.length
      else continue
    }
    seen.add(name)
    products.push({name, category: random.pick(CATEGORIES), price: random.int(5, 400)})
  }
  return products
}

/** A login name like seed 000's `siskinstemson`, unique within the run. */
export function makeUsername(random: Random, taken: Set<string>): string {
  let name = random.pick(FIRST_NAMES) + random.pick(LAST_NAMES)
  while (taken.has(name)) name = random.pick(FIRST_NAMES) + random.pick(LAST_NAMES) + random.int(1, 9999)
  taken.add(name)
  return flat(name)
}

/**
 * A public unicast IPv4 address: no private, loopback, link-local, CGNAT, multicast or
 * reserved ranges, so log analyzers treat it as a real client.
 */
export function makePublicIp(random: Random): string {
  for (;;) {
    const a = random.int(1, 223)
    const b = random.int(0, 255)
    if (a === 10 || a === 127 || a === 0) continue
    if (a === 172 && b >= 16 && b <= 31) continue
    if (a === 192 && b === 168) continue
    if (a === 169 && b === 254) continue
    if (a === 100 && b >= 64 && b <= 127) continue
    if (a === 198 && (b === 18 || b === 19)) continue
    return flat(`${a}.${b}.${random.int(0, 255)}.${random.int(1, 254)}`)
  }
}
