/**
 * The SQL application on AWS: Kinesis Data Analytics for SQL (API v1). `app deploy|start|stop|
 * status|delete --runtime kda` import this module dynamically. Amazon retired the service
 * (no new applications since 2025-10-15, deleted from 2026-01-27); every call that meets the
 * retirement says so and points to `--runtime local` and `app translate --to flink`.
 */
export {deployKdaApplication, KDA_INPUT_NAME_PREFIX, KDA_MAX_CODE_BYTES, KDA_MAX_OUTPUTS} from './deploy.js'
export type {KdaDeployOptions, KdaDeployResult, KdaOutputSpec} from './deploy.js'
export {deleteKdaApplication, describeKdaApplication, startKdaApplication, stopKdaApplication} from './lifecycle.js'
export type {KdaStartOptions, KdaStartPosition, KdaStopOptions} from './lifecycle.js'
export type {KdaApplicationStatus, KdaInputStatus, KdaOutputStatus} from './status.js'
export type {KdaDestination, KdaDestinationKind} from './arns.js'
export {isRetirementError, KDA_RETIREMENT, RETIREMENT_SUGGESTIONS} from './errors.js'
export {renderKdaDeploy, renderKdaStatus} from './render.js'
