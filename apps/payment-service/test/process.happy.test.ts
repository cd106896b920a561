import { describeServiceBasics } from '@careforall/devkit/testing'

describeServiceBasics({
  name: 'payment',
  schema: 'payment',
  tables: ['payments', 'payment_history', 'refunds', 'webhooks', 'idempotency_keys'],
  checks: ['postgres', 'rabbitmq', 'redis', 'sandbox-db'],
})
