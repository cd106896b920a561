import { z } from 'zod'
import { type EventData, type EventType, eventSchemas, isEventType } from './catalog'

/** A CloudEvents 1.0 structured-mode envelope, as every event travels over RabbitMQ. */
export const CloudEventEnvelope = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().optional(),
  datacontenttype: z.literal('application/json'),
  data: z.unknown(),
})

export interface CloudEvent<T extends EventType = EventType> {
  specversion: '1.0'
  id: string
  source: string
  type: T
  time: string
  subject?: string
  datacontenttype: 'application/json'
  data: EventData<T>
}

export interface NewEvent<T extends EventType> {
  id: string
  source: string
  type: T
  subject?: string
  data: EventData<T>
  time?: Date
}

/** Builds an envelope, validating `data` against the catalog so nothing malformed is ever sent. */
export function createEvent<T extends EventType>(event: NewEvent<T>): CloudEvent<T> {
  const data = eventSchemas[event.type].parse(event.data) as EventData<T>
  return {
    specversion: '1.0',
    id: event.id,
    source: event.source,
    type: event.type,
    time: (event.time ?? new Date()).toISOString(),
    ...(event.subject === undefined ? {} : { subject: event.subject }),
    datacontenttype: 'application/json',
    data,
  }
}

/** Parses a received envelope and its `data`; throws a ZodError on anything off-catalog. */
export function parseEvent(raw: unknown): CloudEvent {
  const envelope = CloudEventEnvelope.parse(raw)
  if (!isEventType(envelope.type)) throw new Error(`unknown event type ${envelope.type}`)
  const data = eventSchemas[envelope.type].parse(envelope.data)
  return { ...envelope, type: envelope.type, data } as CloudEvent
}
