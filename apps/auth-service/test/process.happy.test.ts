import { describeServiceBasics } from '@careforall/devkit/testing'

describeServiceBasics({
  name: 'auth',
  schema: 'auth',
  tables: ['users'],
  checks: ['postgres', 'rabbitmq', 'redis'],
})
