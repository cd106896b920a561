import { describeServiceBasics } from '@careforall/devkit/testing'

describeServiceBasics({
  name: 'payment',
  schema: 'payment',
  tables: ['payments'],
  checks: ['postgres', 'rabbitmq', 'sandbox-db'],
})
