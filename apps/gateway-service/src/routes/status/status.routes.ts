import { createRoute, z } from '@hono/zod-openapi'

const ServiceStatus = z
  .object({
    status: z.enum(['ready', 'unready', 'down']).openapi({
      description:
        '`ready`: its `/ready` answered 200; `unready`: it answered, but a dependency is down; ' +
        '`down`: it did not answer in time',
    }),
    checks: z
      .record(z.string(), z.enum(['up', 'down']))
      .optional()
      .openapi({ description: 'Its own dependency checks, when it answered', example: { postgres: 'up' } }),
    dlq: z
      .record(z.string(), z.number().int().nonnegative())
      .optional()
      .openapi({
        description:
          'Messages parked in each of its own dead-letter queues, by queue name, as its `/ready` reported ' +
          'them: `{}` for a service without consumers; absent when it did not answer, or when its broker ' +
          'did not say in time (a queue it could not read is left out)',
        example: { 'pledge-service.payment-events.dlq': 0 },
      }),
  })
  .openapi('ServiceStatus')

export const PlatformStatus = z
  .object({
    status: z.enum(['ready', 'degraded']).openapi({ description: '`ready` when every service is ready' }),
    services: z.object({
      auth: ServiceStatus,
      campaign: ServiceStatus,
      pledge: ServiceStatus,
      payment: ServiceStatus,
      totals: ServiceStatus,
      chat: ServiceStatus,
    }),
    dlq: z
      .object({
        total: z.number().int().nonnegative().openapi({
          description:
            'Messages parked in every dead-letter queue the services reported: the sum of their `dlq`',
          example: 0,
        }),
      })
      .openapi({ description: 'Dead letters across the platform; 0 means none seen, not none anywhere' }),
  })
  .openapi('PlatformStatus')

export type PlatformStatus = z.infer<typeof PlatformStatus>
export type ServiceStatus = z.infer<typeof ServiceStatus>

export const getStatus = createRoute({
  method: 'get',
  path: '/api/status',
  tags: ['status'],
  summary: "Every service's readiness",
  description:
    "Asks each service's `/ready` with a short timeout, for the admin panel's status page: its " +
    'checks and the depth of its dead-letter queues, summed in `dlq.total`. ' +
    'Always 200: a service that is down is reported, not an error of this route.',
  responses: {
    200: {
      description: 'The readiness of each service',
      content: { 'application/json': { schema: PlatformStatus } },
    },
  },
})

export type GetStatusRoute = typeof getStatus
