import {renderPairs} from '../cli/render.js'
import type {KdaDeployResult} from './deploy.js'
import type {KdaApplicationStatus} from './status.js'

const columns = (n: number) => `${n} column${n === 1 ? '' : 's'}`

/** `app status NAME --runtime kda` for people: state, version, times, the input and each output. */
export function renderKdaStatus(status: KdaApplicationStatus): string {
  const pairs: Array<[string, string]> = [
    ['application', `${status.name} (Kinesis Data Analytics for SQL)`],
    ['status', status.status],
    ['version', String(status.version)],
    ['created', status.createdAt ?? '-'],
    ['updated', status.updatedAt ?? '-'],
    ['arn', status.arn],
  ]
  for (const input of status.inputs) {
    const source = input.source ? `${input.source.kind} ${input.source.arn}` : '(no source)'
    pairs.push([`input ${input.id}`, `${source} → ${input.inAppStreams.join(', ') || `${input.namePrefix}_001`} (${input.format ?? '?'}, ${columns(input.columns.length)})`])
  }
  if (status.inputs.length === 0) pairs.push(['input', '(none)'])
  for (const output of status.outputs) {
    const destination = output.destination ? `${output.destination.kind} ${output.destination.arn}` : '(no destination)'
    pairs.push([`output ${output.id}`, `${output.stream} → ${destination} (${output.format ?? '?'})`])
  }
  if (status.outputs.length === 0) pairs.push(['outputs', '(none)'])
  return renderPairs(pairs)
}

/** `app deploy --runtime kda` for people: what was created or changed. */
export function renderKdaDeploy(result: KdaDeployResult): string {
  const lines = [
    `${result.action === 'created' ? 'Created' : 'Updated'} KDA application '${result.name}' (version ${result.application.version}, ${result.application.status}): ${result.arn}`,
    `  input   ${result.input.source.kind} ${result.input.source.arn} → ${result.input.namePrefix}_001 (${result.input.format}, ${columns(result.input.columns)}, schema ${result.schemaSource})`,
    ...result.outputs.map((o) => `  output  ${o.stream} → ${o.destination.kind} ${o.destination.arn} (${o.format}, ${o.change})`),
    ...result.removedOutputs.map((stream) => `  output  ${stream} removed`),
  ]
  if (result.application.status === 'READY') lines.push(`Start it with: clickstream app start ${result.name} --runtime kda`)
  return lines.join('\n')
}
