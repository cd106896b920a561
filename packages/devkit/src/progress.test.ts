import { describe, expect, it } from 'bun:test'
import { describeProgress } from './progress'

describe('describeProgress', () => {
  it('says which services are ready, which wait and for what, and which do not answer yet', () => {
    expect(
      describeProgress([
        ['auth', { state: 'ready' }],
        ['pledge', { state: 'waiting', for: ['rabbitmq'] }],
        ['payment', { state: 'starting' }],
        ['gateway', { state: 'waiting', for: ['pledge', 'payment'] }],
      ]),
    ).toBe('1/4 ready: auth · waiting: pledge (rabbitmq), gateway (pledge, payment) · starting: payment')
  })
})
