import {describe, expect, it} from 'vitest'
import {ExternalServiceError, NotFoundError, UsageError} from '../../../src/lib/core/errors.js'
import {mapAwsError} from '../../../src/lib/aws/retry.js'

const named = (name: string, message: string) => Object.assign(new Error(message), {name})
const context = {service: 'Kinesis', action: 'writing to kinesis:web', resource: "Kinesis stream 'web'", region: 'eu-west-1'}

describe('AWS errors, as the user reads them', () => {
  it.each([
    ['credentials that AWS turned down', named('UnrecognizedClientException', 'The security token included in the request is invalid.'), ExternalServiceError, /writing to kinesis:web: AWS refused the credentials/],
    ['no credentials at all', named('CredentialsProviderError', 'Could not load credentials from any providers'), ExternalServiceError, /writing to kinesis:web: no AWS credentials were found/],
    ['a stream that does not exist', named('ResourceNotFoundException', 'Stream web under account 123 not found.'), NotFoundError, /Kinesis stream 'web' does not exist in eu-west-1/],
    ['no region anywhere', named('Error', 'Region is missing'), UsageError, /no AWS Region is set/],
  ])('%s', (_case, error, kind, message) => {
    const mapped = mapAwsError(error, context)
    expect(mapped).toBeInstanceOf(kind)
    expect(mapped.message).toMatch(message)
    expect(mapped.suggestions.length).toBeGreaterThan(0)
  })
})
