/** KDA SQL applications as Flink SQL (`clickstream app translate --to flink`). */
export {translateToFlink} from './translate.js'
export type {FlinkTranslateOptions, FlinkTranslation} from './translate.js'
export type {FlinkNoteCode, FlinkWarning} from './notes.js'
export {formatFlinkWarning, translateApplication} from './translate-file.js'
export type {TranslateApplicationOptions, TranslateApplicationResult} from './translate-file.js'
