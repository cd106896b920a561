import {
  type CloudEvent,
  createEvent,
  type EventData,
  type EventType,
  exchangeOf,
} from '@careforall/contracts'
import type { TransactionSql } from '@careforall/db'
import { traceHeaders } from '@careforall/otel'
import type { JSONValue } from 'postgres'

/** An event to publish, as a service describes it: the envelope is built by `publish`. */
export interface OutboxEvent<T extends EventType> {
  type: T
  data: EventData<T>
  /** The entity the event is about, e.g. `pledge`: for operators reading the outbox. */
  aggregate: string
  aggregateId: string
  /** The CloudEvent id; a UUIDv7 when omitted. Pass one to make a retried write idempotent. */
  id?: string
  /** CloudEvents `subject`, e.g. the pledge id. */
  subject?: string
}

/**
 * Records an event in the outbox inside the caller's transaction, so it is published if and
 * only if the business change commits (a crash between commit and publish loses nothing: the
 * relay sends every unsent row). The active trace context goes into the row's metadata, so the
 * consumer's span continues the producing request's trace. The data is validated against the
 * catalog here, in the request that caused it, not later in the relay.
 */
export async function publish<T extends EventType>(
  tx: TransactionSql,
  source: string,
  event: OutboxEvent<T>,
): Promise<CloudEvent<T>> {
  const envelope = createEvent({
    id: event.id ?? Bun.randomUUIDv7(),
    source,
    type: event.type,
    data: event.data,
    ...(event.subject === undefined ? {} : { subject: event.subject }),
  })
  await tx`
    insert into outbox (id, aggregate, aggregate_id, type, exchange, payload, metadata)
    values (
      ${envelope.id}, ${event.aggregate}, ${event.aggregateId}, ${event.type}, ${exchangeOf(event.type)},
      ${tx.json(envelope as unknown as JSONValue)}, ${tx.json(traceHeaders())}
    )`
  return envelope
}
