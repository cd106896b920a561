import { describeServiceBasics } from '@careforall/devkit/testing'

describeServiceBasics({
  name: 'campaign',
  schema: 'campaign',
  tables: ['campaigns'],
  checks: ['postgres', 'rabbitmq', 'redis'],
})
