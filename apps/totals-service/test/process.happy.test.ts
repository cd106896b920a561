import { describeServiceBasics } from '@careforall/devkit/testing'

describeServiceBasics({
  name: 'totals',
  schema: 'totals',
  tables: ['campaign_totals'],
  checks: ['postgres', 'rabbitmq'],
})
