import {Command, Errors, Flags} from '@oclif/core'
import {systemClock, type Clock} from '../core/clock.js'
import {ClickstreamError, EXIT_CODES, InternalError, isClickstreamError} from '../core/errors.js'
import {resolveWorkspace, type Workspace} from '../local/workspace.js'
import type {AwsSettings} from '../aws/settings.js'
import type {TargetContext} from '../targets/types.js'


/**
 * The base of every command: `--json` with a stable result shape, one place where errors are
 * rendered (message, place, suggestions, fixed exit code; a stack trace only for bugs and only
 * with CLICKSTREAM_DEBUG=1), and the context services need (workspace, AWS settings, clock).
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  protected clock: Clock = systemClock

  /** Resolves the workspace from `--workspace`, `CLICKSTREAM_HOME` or `./.clickstream`. */
  protected workspace(flag?: string): Workspace {
    return resolveWorkspace({workspace: flag})
  }

  protected targetContext(flags: {workspace?: string} & AwsFlagValues): TargetContext {
    return {
      workspace: this.workspace(flags.workspace),
      aws: awsSettings(flags),
      clock: this.clock,
      warn: (message) => this.warnUser(message),
    }
  }

  /**
   * Runs `work` with a signal that Ctrl-C (and SIGTERM) aborts, so a long run stops cleanly and
   * still reports what it did; the handlers are gone afterwards.
   */
  protected async interruptible<R>(work: (signal: AbortSignal) => Promise<R>, signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): Promise<R> {
    const controller = new AbortController()
    const abort = () => controller.abort()
    for (const s of signals) process.once(s, abort)
    try {
      return await work(controller.signal)
    } finally {
      for (const s of signals) process.off(s, abort)
    }
  }

  /** A diagnostic for the user, on stderr, never mixed into records on stdout. */
  protected warnUser(message: string): void {
    process.stderr.write(`Warning: ${message}\n`)
  }

  protected override async catch(err: Error & {exitCode?: number}): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err
    if (err instanceof Errors.CLIError && !isClickstreamError(err)) {
      // oclif's own parse errors (unknown flag, missing argument): usage errors.
      const exit = err.oclif?.exit ?? EXIT_CODES.usage
      return super.catch(Object.assign(err, {exitCode: exit}))
    }
    const known: ClickstreamError = isClickstreamError(err)
      ? err
      : new InternalError(`unexpected error: ${err.message} (this is a bug in clickstream; run again with CLICKSTREAM_DEBUG=1 for details)`, {cause: err})
    if (process.env.CLICKSTREAM_DEBUG && known.cause instanceof Error) process.stderr.write(`${known.cause.stack}\n`)
    const cliError = new Errors.CLIError(known.located, {exit: known.exitCode, code: known.code, suggestions: known.suggestions})
    return super.catch(Object.assign(cliError, {exitCode: known.exitCode}))
  }

  protected override toErrorJson(err: unknown): unknown {
    if (err instanceof Errors.CLIError) {
      return {error: {code: err.code ?? 'USAGE', message: err.message, exitCode: err.oclif?.exit, suggestions: err.suggestions ?? []}}
    }
    return super.toErrorJson(err)
  }
}

export interface AwsFlagValues {
  region?: string
  profile?: string
  'aws-profile'?: string
  'endpoint-url'?: string
}

export function awsSettings(flags: AwsFlagValues): AwsSettings {
  return {
    region: flags.region,
    profile: flags['aws-profile'] ?? flags.profile,
    endpointUrl: flags['endpoint-url'],
  }
}

/** The AWS CLI's flags, with the same names and meaning. */
export const awsFlags = {
  region: Flags.string({description: 'AWS Region (default: AWS_REGION or your AWS config).', helpGroup: 'AWS'}),
  profile: Flags.string({description: 'AWS named profile (default: AWS_PROFILE).', helpGroup: 'AWS'}),
  'endpoint-url': Flags.string({description: 'Send AWS requests to this URL (LocalStack, kinesalite, a VPC endpoint).', helpGroup: 'AWS'}),
}

/** Where `--profile` already means something else (generate's traffic profile). */
export const awsFlagsNoProfile = {
  region: awsFlags.region,
  'aws-profile': Flags.string({description: 'AWS named profile (default: AWS_PROFILE).', helpGroup: 'AWS'}),
  'endpoint-url': awsFlags['endpoint-url'],
}

export const workspaceFlag = {
  workspace: Flags.string({
    description: 'Workspace folder for local streams, apps, lake and catalog (default: CLICKSTREAM_HOME or ./.clickstream).',
    helpGroup: 'GLOBAL',
  }),
}
