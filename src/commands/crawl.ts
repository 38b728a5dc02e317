import {Flags} from '@oclif/core'
import {awsFlags, awsSettings, BaseCommand, workspaceFlag} from '../lib/cli/base-command.js'
import {isInteractive} from '../lib/cli/render.js'
import {parseDuration} from '../lib/core/units.js'
import type {LocalCrawlResult} from '../lib/lake/crawl.js'
import type {GlueCrawlResult} from '../lib/lake/glue-crawl.js'

export type CrawlResult = LocalCrawlResult | GlueCrawlResult

export default class Crawl extends BaseCommand {
  static override description = `Without --crawler: scans the workspace lake (lake/TABLE/YYYY/MM/DD/HH/ files), infers each table's columns with DuckDB from all of its files, adds partition_0..3 for the YYYY/MM/DD/HH folders (as a Glue crawler names them), and records the tables in the workspace catalog (catalog.duckdb) as views over the lake files. Prints which tables were created, updated (with the column changes), unchanged or deleted.

With --crawler NAME: starts that AWS Glue crawler (or joins its running crawl), waits through RUNNING and STOPPING until it is READY, then prints the tables it created and updated and the last crawl's status. A failed crawl exits with code 6 and names its CloudWatch log stream.`

  static override examples = [
    '<%= config.bin %> crawl',
    '<%= config.bin %> crawl --json',
    '<%= config.bin %> crawl --crawler realtimecrawler --region ap-southeast-2',
  ]

  static override flags = {
    crawler: Flags.string({description: 'Run this AWS Glue crawler instead of crawling the local lake.'}),
    timeout: Flags.string({description: 'With --crawler: stop waiting after this long (the crawl goes on in AWS).', default: '60m'}),
    ...workspaceFlag,
    ...awsFlags,
  }

  static override summary = 'Find the lake\'s tables and their columns (locally, or with a Glue crawler).'

  async run(): Promise<CrawlResult> {
    const {flags} = await this.parse(Crawl)
    const {crawler} = flags
    if (crawler) {
      const timeoutMs = parseDuration(flags.timeout, '--timeout')
      const spinner = !this.jsonEnabled() && isInteractive(process.stderr) ? (await import('ora')).default({text: `Starting crawler ${crawler}`, stream: process.stderr}).start() : undefined
      const {crawlGlue} = await import('../lib/lake/glue-crawl.js')
      // Ctrl-C stops the waiting, not the crawl: it goes on in AWS, and the message says so.
      try {
        const result = await this.interruptible(
          (signal) =>
            crawlGlue({
              crawler,
              aws: awsSettings(flags),
              clock: this.clock,
              timeoutMs,
              signal,
              onState: (state, elapsed) => {
                if (spinner) spinner.text = `Crawler ${crawler}: ${state} (${Math.round(elapsed / 1000)}s)`
              },
            }),
          ['SIGINT'],
        )
        spinner?.stop()
        if (!this.jsonEnabled()) this.log((await import('../lib/lake/render.js')).renderGlueCrawl(result))
        return result
      } catch (error) {
        spinner?.stop()
        throw error
      }
    }
    const {ensureWorkspace} = await import('../lib/local/workspace.js')
    const {crawlLocal} = await import('../lib/lake/crawl.js')
    const result = await crawlLocal({workspace: await ensureWorkspace(this.workspace(flags.workspace)), clock: this.clock})
    if (!this.jsonEnabled()) this.log((await import('../lib/lake/render.js')).renderLocalCrawl(result))
    return result
  }
}
