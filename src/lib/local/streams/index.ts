/**
 * Local streams: durable append-only logs in the workspace (`streams/NAME/`), the embedded
 * stand-in for Kinesis Data Streams. See format.ts for the files a person finds there.
 */
export {createStream, deleteStream, describeStream, ensureStream, listStreams, notFound, streamDir, streamExists} from './store.js'
export type {CreateStreamOptions, LocalStreamDescription, SegmentInfo} from './store.js'
export {DEFAULT_RETENTION_HOURS, DEFAULT_SHARDS, MAX_RETENTION_HOURS, MAX_SHARDS, type LocalStreamConfig} from './config.js'
export {LocalStreamWriter, trimSegments, type AppendRecord, type AppendResult, type WriterOptions} from './writer.js'
export {LocalStreamReader, type ReaderOptions, type ReadStart} from './reader.js'
export type {StoredRecord} from './format.js'
