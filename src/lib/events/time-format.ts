const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

const two = (n: number) => (n < 10 ? `0${n}` : String(n))
const three = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n))

/**
 * Formats event times, remembering the last second: consecutive records mostly share it, so the
 * date arithmetic runs about once per second of event time instead of once per record.
 */
export class SecondCache {
  private second = Number.NaN
  private text = ''

  constructor(private readonly format: (second: number) => string) {}

  get(time: number): string {
    const second = Math.floor(time / 1000)
    if (second !== this.second) {
      this.second = second
      this.text = flat(this.format(second * 1000))
    }
    return this.text
  }
}

/** Apache's `%t` without brackets, in UTC: `23/Nov/2026:18:21:46 +0000`. */
export function apacheTime(time: number): string {
  const d = new Date(time)
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
}

/** `2026-11-23T18:21:46` (UTC, no zone): the seconds part of Python's `datetime.isoformat()`. */
export function isoSecond(time: number): string {
  const d = new Date(time)
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
}

/** Milliseconds of a time as three digits. */
export function millis(time: number): string {
  return three(((time % 1000) + 1000) % 1000)
}

/**
 * Returns the string after making V8 store it as one flat piece. Text built by `+` is a tree of
 * pieces; text shared by many records (a second's timestamp, a session's fixed fields) would
 * otherwise be walked again for every record it ends up in when the batch is encoded.
 */
export function flat(text: string): string {
  Number(text) // converting to a number flattens the string in place; the result does not matter
  return text
}
