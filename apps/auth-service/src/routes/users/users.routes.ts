import { PageQuery, page, Timestamp, UserPatch } from '@careforall/contracts'
import { jsonContent, problemResponses, Security } from '@careforall/http'
import { createRoute, z } from '@hono/zod-openapi'
import { User } from '../schemas'

const tags = ['admin']
const security = Security.admin
const json = jsonContent

export const list = createRoute({
  method: 'get',
  path: '/api/auth/users',
  tags,
  security,
  summary: 'Users, newest first; `q` searches email and name, or is a user id (admin)',
  request: { query: PageQuery.extend({ q: z.string().trim().max(200).optional() }) },
  responses: {
    200: { description: 'A page of users', content: json(page(User)) },
    400: problemResponses[400],
    401: problemResponses[401],
    403: problemResponses[403],
  },
})

export const update = createRoute({
  method: 'patch',
  path: '/api/auth/users/{id}',
  tags,
  security,
  summary: "Change a user's role or disable them (admin; audited)",
  description: 'Disabling ends every session of the user at once; a changed role ends them too.',
  request: {
    params: z.object({ id: z.uuid() }),
    body: {
      required: true,
      content: json(UserPatch),
    },
  },
  responses: {
    200: { description: 'The user after the change', content: json(User) },
    400: problemResponses[400],
    401: problemResponses[401],
    403: problemResponses[403],
    404: problemResponses[404],
    409: problemResponses[409],
  },
})

export const AuditEntry = z
  .object({
    id: z.uuid(),
    actorId: z.uuid(),
    action: z.string().openapi({ example: 'user.role_changed' }),
    targetId: z.uuid(),
    details: z.record(z.string(), z.unknown()),
    at: z.string(),
  })
  .openapi('AuditEntry')

export const audit = createRoute({
  method: 'get',
  path: '/api/auth/audit',
  tags,
  security,
  summary: 'The audit log of role and status changes, newest first (admin)',
  description:
    'Also the captures and refunds admins asked for (`payment.captured`, `payment.refunded`). ' +
    'Filters combine; the cursor pages through the filtered entries.',
  request: {
    query: PageQuery.extend({
      action: z
        .string()
        .min(1)
        .max(100)
        .optional()
        .openapi({
          example: 'payment.refunded',
          description:
            'Exactly this action: `user.role_changed`, `user.disabled`, `user.enabled`, ' +
            '`payment.captured`, `payment.refunded`',
        }),
      actorId: z.uuid().optional().openapi({ description: 'The admin who acted' }),
      targetId: z.uuid().optional().openapi({ description: 'The user or payment acted on' }),
      from: Timestamp.optional().openapi({ description: 'Entries at or after this time' }),
      to: Timestamp.optional().openapi({ description: 'Entries before this time' }),
    }),
  },
  responses: {
    200: { description: 'A page of audit entries', content: json(page(AuditEntry)) },
    400: problemResponses[400],
    401: problemResponses[401],
    403: problemResponses[403],
  },
})

export type ListRoute = typeof list
export type UpdateRoute = typeof update
export type AuditRoute = typeof audit
