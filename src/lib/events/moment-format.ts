/**
 * moment.js `format()` strings, as Kinesis Data Generator templates write them
 * (`{{date.now("DD/MMM/YYYY:HH:mm:ss Z")}}`). Compiled once into a function of epoch ms, so a
 * template does no parsing per record. `utc` gives moment.utc(); otherwise the process's local
 * zone, as KDG's browser did.
 */
export type MomentFormatter = (time: number) => string

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/** moment's defaults: `moment().format()` and `moment.utc().format()`. */
export const MOMENT_DEFAULT_FORMAT = 'YYYY-MM-DDTHH:mm:ssZ'
export const MOMENT_DEFAULT_FORMAT_UTC = 'YYYY-MM-DDTHH:mm:ss[Z]'

/** The tokens understood, longest first, as moment matches them. */
const TOKEN =
  /\[[^\]]*\]|YYYYYY|YYYY|YY|Y|Qo|Q|MMMM|MMM|Mo|MM|M|DDDD|DDDo|DDD|Do|DD|D|dddd|ddd|do|dd|d|E|e|GGGG|GG|gggg|gg|WW|Wo|W|ww|wo|w|HH|H|hh|h|kk|k|mm|m|ss|s|S{1,9}|A|a|ZZ|Z|X|x|./gs

interface Parts {
  year: number
  month: number // 0-11
  day: number
  weekday: number // 0 = Sunday
  hour: number
  minute: number
  second: number
  ms: number
  offset: number // minutes east of UTC
  time: number
}

type Piece = string | ((p: Parts) => string)

const pad = (n: number, width: number) => {
  const s = String(Math.abs(n)).padStart(width, '0')
  return n < 0 ? `-${s}` : s
}

function ordinal(n: number): string {
  const mod100 = n % 100
  if (mod100 >= 11 && mod100 <= 13) return `${n}th`
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`
}

function dayOfYear(p: Parts): number {
  return Math.round((Date.UTC(p.year, p.month, p.day) - Date.UTC(p.year, 0, 1)) / 86_400_000) + 1
}

/** ISO-8601 week and week-year (weeks start on Monday, week 1 holds the first Thursday). */
function isoWeek(p: Parts): {week: number; year: number} {
  const date = new Date(Date.UTC(p.year, p.month, p.day))
  const dow = (p.weekday + 6) % 7 // Monday = 0
  date.setUTCDate(date.getUTCDate() - dow + 3) // the Thursday of this week
  const weekYear = date.getUTCFullYear()
  const firstThursday = new Date(Date.UTC(weekYear, 0, 4))
  const firstDow = (firstThursday.getUTCDay() + 6) % 7
  firstThursday.setUTCDate(firstThursday.getUTCDate() - firstDow + 3)
  return {week: 1 + Math.round((date.getTime() - firstThursday.getTime()) / (7 * 86_400_000)), year: weekYear}
}

/** Locale (en-US) week: weeks start on Sunday, week 1 holds January 1st. */
function localeWeek(p: Parts): {week: number; year: number} {
  const date = Date.UTC(p.year, p.month, p.day)
  const saturday = date + (6 - p.weekday) * 86_400_000 // the week's last day decides its year
  const year = new Date(saturday).getUTCFullYear()
  const jan1 = Date.UTC(year, 0, 1)
  const firstSunday = jan1 - new Date(jan1).getUTCDay() * 86_400_000
  return {week: 1 + Math.floor((date - firstSunday) / (7 * 86_400_000)), year}
}

function offsetText(minutes: number, colon: boolean): string {
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `${sign}${pad(Math.floor(abs / 60), 2)}${colon ? ':' : ''}${pad(abs % 60, 2)}`
}

function tokenPiece(token: string): Piece {
  if (token.startsWith('[')) return token.slice(1, -1)
  if (/^S+$/.test(token)) return (p) => pad(p.ms, 3).padEnd(token.length, '0').slice(0, token.length)
  switch (token) {
    case 'YYYYYY':
      return (p) => (p.year < 0 ? '-' : '+') + pad(Math.abs(p.year), 6)
    case 'YYYY':
      return (p) => pad(p.year, 4)
    case 'YY':
      return (p) => pad(p.year % 100, 2)
    case 'Y':
      return (p) => String(p.year)
    case 'Q':
      return (p) => String(Math.floor(p.month / 3) + 1)
    case 'Qo':
      return (p) => ordinal(Math.floor(p.month / 3) + 1)
    case 'MMMM':
      return (p) => MONTHS[p.month]
    case 'MMM':
      return (p) => MONTHS[p.month].slice(0, 3)
    case 'MM':
      return (p) => pad(p.month + 1, 2)
    case 'Mo':
      return (p) => ordinal(p.month + 1)
    case 'M':
      return (p) => String(p.month + 1)
    case 'DDDD':
      return (p) => pad(dayOfYear(p), 3)
    case 'DDDo':
      return (p) => ordinal(dayOfYear(p))
    case 'DDD':
      return (p) => String(dayOfYear(p))
    case 'DD':
      return (p) => pad(p.day, 2)
    case 'Do':
      return (p) => ordinal(p.day)
    case 'D':
      return (p) => String(p.day)
    case 'dddd':
      return (p) => WEEKDAYS[p.weekday]
    case 'ddd':
      return (p) => WEEKDAYS[p.weekday].slice(0, 3)
    case 'dd':
      return (p) => WEEKDAYS[p.weekday].slice(0, 2)
    case 'do':
      return (p) => ordinal(p.weekday)
    case 'd':
    case 'e':
      return (p) => String(p.weekday)
    case 'E':
      return (p) => String(p.weekday === 0 ? 7 : p.weekday)
    case 'GGGG':
      return (p) => pad(isoWeek(p).year, 4)
    case 'GG':
      return (p) => pad(isoWeek(p).year % 100, 2)
    case 'gggg':
      return (p) => pad(localeWeek(p).year, 4)
    case 'gg':
      return (p) => pad(localeWeek(p).year % 100, 2)
    case 'WW':
      return (p) => pad(isoWeek(p).week, 2)
    case 'Wo':
      return (p) => ordinal(isoWeek(p).week)
    case 'W':
      return (p) => String(isoWeek(p).week)
    case 'ww':
      return (p) => pad(localeWeek(p).week, 2)
    case 'wo':
      return (p) => ordinal(localeWeek(p).week)
    case 'w':
      return (p) => String(localeWeek(p).week)
    case 'HH':
      return (p) => pad(p.hour, 2)
    case 'H':
      return (p) => String(p.hour)
    case 'hh':
      return (p) => pad(p.hour % 12 || 12, 2)
    case 'h':
      return (p) => String(p.hour % 12 || 12)
    case 'kk':
      return (p) => pad(p.hour || 24, 2)
    case 'k':
      return (p) => String(p.hour || 24)
    case 'mm':
      return (p) => pad(p.minute, 2)
    case 'm':
      return (p) => String(p.minute)
    case 'ss':
      return (p) => pad(p.second, 2)
    case 's':
      return (p) => String(p.second)
    case 'A':
      return (p) => (p.hour < 12 ? 'AM' : 'PM')
    case 'a':
      return (p) => (p.hour < 12 ? 'am' : 'pm')
    case 'ZZ':
      return (p) => offsetText(p.offset, false)
    case 'Z':
      return (p) => offsetText(p.offset, true)
    case 'X':
      return (p) => String(Math.floor(p.time / 1000))
    case 'x':
      return (p) => String(Math.floor(p.time))
    default:
      return token
  }
}

/** Compiles a moment format string. Unknown letters print as themselves, as in moment. */
export function compileMomentFormat(format: string, utc: boolean): MomentFormatter {
  const pieces: Piece[] = []
  for (const m of format.matchAll(TOKEN)) {
    const piece = tokenPiece(m[0])
    const last = pieces[pieces.length - 1]
    if (typeof piece === 'string' && typeof last === 'string') pieces[pieces.length - 1] = last + piece
    else pieces.push(piece)
  }
  return (time: number) => {
    const d = new Date(time)
    const p: Parts = utc
      ? {year: d.getUTCFullYear(), month: d.getUTCMonth(), day: d.getUTCDate(), weekday: d.getUTCDay(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), ms: d.getUTCMilliseconds(), offset: 0, time}
      : {year: d.getFullYear(), month: d.getMonth(), day: d.getDate(), weekday: d.getDay(), hour: d.getHours(), minute: d.getMinutes(), second: d.getSeconds(), ms: d.getMilliseconds(), offset: -d.getTimezoneOffset(), time}
    let out = ''
    for (const piece of pieces) out += typeof piece === 'string' ? piece : piece(p)
    return out
  }
}
