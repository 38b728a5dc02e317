/**
 * Where the Flink SQL means something different from the KDA SQL it came from. Each becomes a
 * `-- NOTE:` comment at the statement and a warning the command prints.
 */
export type FlinkNoteCode =
  | 'rowtime-processing-time'
  | 'event-time-window'
  | 'stagger-window'
  | 'unwindowed-aggregate'
  | 'order-by-dropped'
  | 'lag-ignore-nulls'
  | 'lag-frame'
  | 'respect-nulls'
  | 'over-windows-differ'
  | 'rowtime-join'
  | 'unwindowed-join'
  | 'regex-replace-arguments'
  | 'time-format'
  | 'json-mapping'
  | 'approximate-function'
  | 'untranslated'
  | 'missing-input'
  | 'missing-output'
  | 'missing-region'
  | 'missing-schema'
  | 'firehose-source'
  | 'reference-table'
  | 'unknown-function'
  | 'no-insert'

export interface FlinkNote {
  code: FlinkNoteCode
  message: string
}

export interface FlinkWarning extends FlinkNote {
  /** The KDA statement it concerns, as `PUMP "NAME"` or `STREAM "NAME"`; empty for the whole program. */
  statement: string
  /** Line of that statement in the KDA SQL file (1-based); 0 for the whole program. */
  line: number
}

/** Collects notes for one statement, once each. */
export class NoteList {
  readonly notes: FlinkNote[] = []

  add(code: FlinkNoteCode, message: string): void {
    if (!this.notes.some((n) => n.code === code && n.message === message)) this.notes.push({code, message})
  }

  has(code: FlinkNoteCode): boolean {
    return this.notes.some((n) => n.code === code)
  }

  /** The notes as SQL comments, one `-- NOTE:` per note, wrapped at about 110 characters. */
  comments(): string {
    return this.notes.map((n) => wrapComment(`NOTE: ${n.message}`)).join('')
  }
}

/**
 * A `--` comment wrapped at `width`. Semicolons become commas and apostrophes inside words become
 * typographic ones: some SQL clients and notebooks split scripts at `;` and track quotes without
 * skipping comments.
 */
export function wrapComment(text: string, width = 110): string {
  const words = commentSafe(text).split(/\s+/)
  const lines: string[] = []
  let line = '--'
  for (const word of words) {
    if (line.length + 1 + word.length > width && line !== '--') {
      lines.push(line)
      line = '--  '
    }
    line += ` ${word}`
  }
  lines.push(line)
  return lines.join('\n') + '\n'
}

export function commentSafe(text: string): string {
  return text.replace(/;/g, ',').replace(/(\w)'(\w)/g, '$1\u2019$2')
}
