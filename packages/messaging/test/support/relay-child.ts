// A relay in a process of its own, for the test that kills it with SIGKILL mid-batch. It prints
// `confirmed <n>` once the broker confirmed its first batch and then hangs before marking the
// rows sent: the worst moment to die.
import { createDb } from '@careforall/db'
import { createLogger } from '@careforall/logger'
import { connectBroker, startOutboxRelay } from '../../src'

const [databaseUrl, rabbitmqUrl, schema, batchSize, leaseMs] = Bun.argv.slice(2)
if (!databaseUrl || !rabbitmqUrl || !schema)
  throw new Error('usage: relay-child <databaseUrl> <rabbitmqUrl> <schema>')
const logger = createLogger({ serviceName: 'relay-child', level: 'silent' })
const sql = createDb({ url: databaseUrl, schema, max: 2 })
const broker = await connectBroker({ url: rabbitmqUrl, logger, name: 'relay-child' })
await broker.connection.waitForConnect()
await startOutboxRelay({
  sql,
  databaseUrl,
  schema,
  broker,
  logger,
  batchSize: Number(batchSize),
  leaseMs: Number(leaseMs),
  batchesInFlight: 1,
  onBatchConfirmed: async (ids) => {
    console.log(`confirmed ${ids.length}`)
    await new Promise(() => undefined)
  },
})
