import { z } from '@hono/zod-openapi'

/** RFC 9457 problem details, the body of every error response (`application/problem+json`). */
export const Problem = z
  .object({
    type: z.string().openapi({ example: 'https://careforall.dev/problems/not-found' }),
    title: z.string().openapi({ example: 'Not Found' }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'Validation errors, one per invalid field' }),
  })
  .catchall(z.unknown())
  .openapi('Problem')

export type Problem = z.infer<typeof Problem>

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'
export const PROBLEM_BASE = 'https://careforall.dev/problems/'
