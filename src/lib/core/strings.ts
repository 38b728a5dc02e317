/** V8 cuts substrings of this many characters or more as views into their parent. */
const SLICED_LENGTH = 13

/**
 * A string that holds no part of its parent: a longer substring is a view that keeps its whole
 * parent alive (a read chunk, a batch's column text) for as long as the value is kept, where
 * JSON.parse would have made a string of its own. Shorter substrings are copies already.
 */
export const ownString = (s: string): string => (s.length < SLICED_LENGTH ? s : (s + ' ').slice(0, -1))
