import {verbOf, type AccessLogEntry} from '../access-log/index.js'

/** The partition key of an entry, read from the document field the user named. */
export function keyReader(field: string): ((entry: AccessLogEntry) => string | undefined) | undefined {
  switch (field) {
    case 'host':
      return (e) => e.host
    case 'ident':
      return (e) => e.ident
    case 'authuser':
      return (e) => e.authuser
    case 'request':
      return (e) => e.request
    case 'response':
      return (e) => String(e.status)
    case 'referer':
      return (e) => e.referer ?? '-'
    case 'user-agent':
      return (e) => e.userAgent ?? '-'
    case 'username':
      return (e) => e.username
    case 'verb':
      return (e) => verbOf(e.request)
    default:
      return undefined
  }
}
