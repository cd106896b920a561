import { jsonContent, problemResponses, Security } from '@careforall/http'
import { createRoute, z } from '@hono/zod-openapi'
import { Operation } from '../operations/operations.routes'

const tags = ['sandbox']
const json = jsonContent
const guarded = { 403: problemResponses[403] }

const LedgerEntry = z
  .object({
    providerTransactionId: z.string(),
    reference: z.string().nullable(),
    paymentMethod: z.string().nullable(),
    status: z.string().openapi({ description: 'The authorization: pending, succeeded, failed or voided' }),
    authorizedCents: z.number().int(),
    capturedCents: z.number().int(),
    refundedCents: z.number().int(),
    operations: z.array(Operation.extend({ idempotencyKey: z.string() })),
  })
  .openapi('SandboxLedgerEntry')

export const ledger = createRoute({
  method: 'get',
  path: '/sandbox/v1/ledger',
  security: Security.internal,
  tags,
  summary: 'The ledger, one entry per authorization with its captures, refunds and voids (internal secret)',
  description: 'The truth for "charged once" in tests. Ordered by transaction id, keyset-paged.',
  request: {
    query: z.object({
      providerTransactionId: z.string().max(64).optional(),
      reference: z.string().max(255).optional().openapi({ description: 'e.g. the pledge id' }),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      cursor: z.string().max(64).optional(),
    }),
  },
  responses: {
    200: {
      description: 'A page of the ledger',
      content: json(z.object({ items: z.array(LedgerEntry), nextCursor: z.string().nullable() })),
    },
    400: problemResponses[400],
    ...guarded,
  },
})

const Totals = z.object({
  count: z.number().int(),
  amountCents: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()),
})

export const summary = createRoute({
  method: 'get',
  path: '/sandbox/v1/ledger/summary',
  security: Security.internal,
  tags,
  summary: 'Ledger totals by kind, double-charged references, webhook deliveries (internal secret)',
  responses: {
    200: {
      description: 'Totals; amountCents counts succeeded operations only',
      content: json(
        z.object({
          authorizations: Totals,
          captures: Totals,
          refunds: Totals,
          voids: Totals,
          duplicateReferences: z
            .number()
            .int()
            .openapi({ description: 'References with more than one authorization' }),
          deliveries: z.object({
            total: z.number().int(),
            delivered: z.number().int(),
            pending: z.number().int(),
            failed: z.number().int(),
            webhooks: z.number().int(),
          }),
        }),
      ),
    },
    ...guarded,
  },
})

const ChaosSetting = z
  .object({
    spec: z.string().openapi({ example: 'dup=3,delayMs=0..2000,reorder=1,seed=42' }),
    dup: z.number().int(),
    delayMinMs: z.number().int(),
    delayMaxMs: z.number().int(),
    reorder: z.boolean(),
    seed: z.number().int().nullable(),
  })
  .openapi('SandboxChaos')

export const getChaos = createRoute({
  method: 'get',
  path: '/sandbox/v1/chaos',
  security: Security.internal,
  tags,
  summary: 'How the sandbox misbehaves now (internal secret)',
  responses: { 200: { description: 'The setting', content: json(ChaosSetting) }, ...guarded },
})

export const setChaos = createRoute({
  method: 'post',
  path: '/sandbox/v1/chaos',
  security: Security.internal,
  tags,
  summary: 'Make the sandbox misbehave, for a test (internal secret); an empty spec turns chaos off',
  description: 'Applies to webhooks of operations decided from now on, on every instance.',
  request: {
    body: {
      required: true,
      content: json(
        z.strictObject({
          spec: z.string().max(200).openapi({ example: 'dup=3,delayMs=0..500,reorder=1,seed=7' }),
        }),
      ),
    },
  },
  responses: {
    200: { description: 'The new setting', content: json(ChaosSetting) },
    400: problemResponses[400],
    ...guarded,
  },
})

export type LedgerRoute = typeof ledger
export type SummaryRoute = typeof summary
export type GetChaosRoute = typeof getChaos
export type SetChaosRoute = typeof setChaos
