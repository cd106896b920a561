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
    "Asks each service's `/ready` with a short timeout, for the admin panel's status page. " +
    'Always 200: a service that is down is reported, not an error of this route.',
  responses: {
    200: {
      description: 'The readiness of each service',
      content: { 'application/json': { schema: PlatformStatus } },
    },
  },
})

export type GetStatusRoute = typeof getStatus
