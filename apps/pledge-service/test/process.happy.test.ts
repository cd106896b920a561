import { describeServiceBasics } from '@careforall/devkit/testing'

describeServiceBasics({
  name: 'pledge',
  schema: 'pledge',
  tables: ['pledges', 'pledge_state_history', 'idempotency_keys'],
  checks: ['postgres', 'rabbitmq', 'redis'],
})
