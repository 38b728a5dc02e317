/**
 * One error hierarchy for the whole toolkit. Library code throws these; the CLI layer renders
 * them in one place and exits with the code of the class. Exit codes are part of the public
 * contract (scripts test them), so they never change once published.
 */

export interface SourceLocation {
  file?: string
  line?: number
  column?: number
}

export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc) return ''
  const parts: string[] = []
  if (loc.file) parts.push(loc.file)
  if (loc.line !== undefined) parts.push(String(loc.line))
  if (loc.column !== undefined) parts.push(String(loc.column))
  if (!loc.file && parts.length > 0) return `line ${loc.line ?? '?'}${loc.column === undefined ? '' : `, column ${loc.column}`}`
  return parts.join(':')
}

export const EXIT_CODES = {
  usage: 2,
  input: 3,
  notFound: 4,
  conflict: 5,
  external: 6,
  unsupported: 7,
  interrupted: 130,
  internal: 70,
} as const

export interface ErrorOptions {
  suggestions?: string[]
  location?: SourceLocation
  cause?: unknown
}

export abstract class ClickstreamError extends Error {
  abstract readonly exitCode: number
  /** A stable machine-readable code, printed in `--json` error output. */
  abstract readonly code: string
  readonly suggestions: string[]
  readonly location?: SourceLocation

  constructor(message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = new.target.name
    this.suggestions = options.suggestions ?? []
    this.location = options.location
  }

  /** The message with its place in front, as compilers print them: `file:3:7: message`. */
  get located(): string {
    const where = formatLocation(this.location)
    return where ? `${where}: ${this.message}` : this.message
  }
}

/** A flag, argument or combination of them that cannot work. */
export class UsageError extends ClickstreamError {
  readonly exitCode = EXIT_CODES.usage
  readonly code = 'USAGE'
}

/** Input data (a file, a template, SQL text, a record) that cannot be read as it is. */
export class InputError extends ClickstreamError {
  readonly exitCode = EXIT_CODES.input
  readonly code = 'BAD_INPUT'
}

/** A named thing (stream, application, table, file) that does not exist. */
export class NotFoundError extends ClickstreamError {
  readonly exitCode = EXIT_CODES.notFound
  readonly code = 'NOT_FOUND'
}

/** A named thing that exists already, or is in a state that forbids the action. */
export class ConflictError extends ClickstreamError {
  readonly exitCode = EXIT_CODES.conflict
  readonly code = 'CONFLICT'
}

/** An external service (AWS, DuckDB, the file system) failed or refused. */
export class ExternalServiceError extends ClickstreamError {
  readonly exitCode = EXIT_CODES.external
  readonly code = 'EXTERNAL_SERVICE'
  readonly service: string

  constructor(service: string, message: string, options: ErrorOptions = {}) {
    super(message, options)
    this.service = service
  }
}

/** Valid input that this version does not support yet. Never a syntax error. */
export class NotSupportedError extends ClickstreamError {
  readonly exitCode = EXIT_CODES.unsupported
  readonly code = 'NOT_SUPPORTED'
}

/** The user interrupted the run (Ctrl-C); what was done so far is reported. */
export class InterruptedError extends ClickstreamError {
  readonly exitCode = EXIT_CODES.interrupted
  readonly code = 'INTERRUPTED'
}

/** A bug in clickstream itself. */
export class InternalError extends ClickstreamError {
  readonly exitCode = EXIT_CODES.internal
  readonly code = 'INTERNAL'
}

export function isClickstreamError(error: unknown): error is ClickstreamError {
  return error instanceof ClickstreamError
}
