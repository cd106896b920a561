import { parseArgs } from 'node:util'
import { listDeadLetters, replayDeadLetters } from '../dlq'
import { cliEnv } from './env'

const usage = `usage: bun run dlq <queue> [--replay] [--id <eventId>]...

Lists the messages parked in <queue>.dlq (RABBITMQ_URL picks the broker and vhost).
  --replay      send them back to <queue> with the whole retry ladder ahead of them
  --id <id>     only this event id (repeatable)`

const { values, positionals } = parseArgs({
  args: Bun.argv.slice(2),
  allowPositionals: true,
  options: {
    replay: { type: 'boolean', default: false },
    id: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
const queue = positionals[0]
if (values.help || !queue) {
  console.log(usage)
  process.exit(queue ? 0 : 2)
}

if (values.replay) {
  const count = await replayDeadLetters(cliEnv.RABBITMQ_URL, queue, values.id ? { ids: values.id } : {})
  console.log(`replayed ${count} message(s) into ${queue}`)
} else {
  const parked = await listDeadLetters(cliEnv.RABBITMQ_URL, queue)
  for (const message of parked) {
    const body = message.body as { id?: string; type?: string; time?: string; source?: string }
    const deaths = message.deaths.map((death) => `${death.queue}:${death.reason}×${death.count}`).join(' ')
    console.log(
      [message.messageId ?? body.id, message.type ?? body.type, body.source, body.time, deaths].join('  '),
    )
  }
  console.log(`${parked.length} message(s) parked in ${queue.replace(/\.dlq$/, '')}.dlq`)
}
