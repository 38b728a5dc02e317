/**
 * Service limits of Kinesis Data Streams and Amazon Data Firehose that clickstream respects.
 * Kinesis now allows records up to 10 MiB on streams configured for it, but 1 MiB is the default
 * of every stream, so batching stays with the conservative limits that hold everywhere.
 */

/** PutRecords: records per request. */
export const KINESIS_PUT_MAX_RECORDS = 500
/** PutRecords: bytes per request, data plus partition keys. */
export const KINESIS_PUT_MAX_BYTES = 5 * 1024 * 1024
/** One Kinesis record: data plus partition key. */
export const KINESIS_MAX_RECORD_BYTES = 1024 * 1024
/** Partition keys are 1 to 256 Unicode characters. */
export const KINESIS_MAX_PARTITION_KEY_CHARS = 256

/** PutRecordBatch: records per request. */
export const FIREHOSE_PUT_MAX_RECORDS = 500
/** PutRecordBatch: bytes per request. */
export const FIREHOSE_PUT_MAX_BYTES = 4 * 1024 * 1024
/** One Firehose record, before base64 encoding. */
export const FIREHOSE_MAX_RECORD_BYTES = 1000 * 1024

/** GetRecords: records per call. */
export const KINESIS_GET_MAX_RECORDS = 10_000
/** Each shard serves five reads a second; polling a shard no faster than this keeps within it. */
export const KINESIS_MIN_POLL_INTERVAL_MS = 200
/** A caught-up reader polls each shard this often. */
export const KINESIS_IDLE_POLL_INTERVAL_MS = 1_000
/** ListShards page size. */
export const KINESIS_LIST_SHARDS_MAX_RESULTS = 1_000
/** Kinesis keeps records 24 hours by default, up to 365 days. */
export const KINESIS_DEFAULT_RETENTION_HOURS = 24
export const KINESIS_MAX_RETENTION_HOURS = 8760
