import { describeServiceBasics } from '@careforall/devkit/testing'

describeServiceBasics({
  name: 'pledge',
  schema: 'pledge',
  tables: ['pledges'],
  checks: ['postgres', 'rabbitmq'],
})
