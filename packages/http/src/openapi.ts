import { PROBLEM_CONTENT_TYPE, Problem } from '@careforall/contracts'
import type { ZodType } from 'zod'

const problem = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: Problem } },
})

/**
 * Error responses to spread into route contracts (Unkey's `openApiErrorResponses`), so the docs
 * show the problem+json body every error carries.
 */
export const problemResponses = {
  400: problem('The request is invalid; `errors` lists each field'),
  401: problem('Missing or invalid credentials'),
  403: problem('Authenticated, but not allowed'),
  404: problem('No such resource'),
  409: problem('Conflicts with the current state'),
  422: problem('Well-formed but not acceptable'),
  429: problem('Too many requests; see Retry-After'),
  500: problem('Something failed on our side; the request id helps us find it'),
} as const

/** A JSON body or response for a route contract: `content: jsonContent(Schema)`. */
export function jsonContent<T extends ZodType>(schema: T) {
  return { 'application/json': { schema } }
}
