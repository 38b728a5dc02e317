export type {AccessLogEntry, ParseResult} from './entry.js'
export {parseAccessLine, usernameOf} from './parse.js'
export {formatAccessLine, formatLogTime, type FormattableEntry} from './format.js'
export {formatAccessLogDocument, toAccessLogDocument, utcIso, verbOf, type AccessLogDocument} from './document.js'
