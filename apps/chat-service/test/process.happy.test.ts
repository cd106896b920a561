import { describeServiceBasics } from '@careforall/devkit/testing'

describeServiceBasics({
  name: 'chat',
  schema: 'chat',
  tables: ['messages'],
  checks: ['postgres', 'rabbitmq', 'redis'],
})
