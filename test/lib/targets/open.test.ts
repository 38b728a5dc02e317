import {describe, expect, it} from 'vitest'
import {systemClock} from '../../../src/lib/core/clock.js'
import {UsageError} from '../../../src/lib/core/errors.js'
import {resolveWorkspace} from '../../../src/lib/local/workspace.js'
import {openSource} from '../../../src/lib/targets/index.js'

describe('openSource', () => {
  it('says plainly that a Firehose delivery stream cannot be read, and what to read instead', async () => {
    const ctx = {workspace: resolveWorkspace({workspace: '/nonexistent'}), aws: {}, clock: systemClock}

    const opening = openSource({kind: 'firehose', name: 'to-s3'}, ctx)

    await expect(opening).rejects.toThrow(UsageError)
    await expect(opening).rejects.toThrow(/firehose:to-s3 cannot be read/)
  })
})
