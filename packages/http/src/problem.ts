import { PROBLEM_BASE, PROBLEM_CONTENT_TYPE, type Problem } from '@careforall/contracts'
import type { Context } from 'hono'
import { statusTitle } from './errors'

/** Writes an RFC 9457 problem response. */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  })
}

/** A problem for a bare status (gateway errors, not-found), with the request id when known. */
export function statusProblem(
  c: Context,
  status: number,
  detail?: string,
  extra: Record<string, unknown> = {},
): Response {
  const requestId = c.get('requestId') as string | undefined
  const title = statusTitle(status)
  return problemResponse({
    type: PROBLEM_BASE + title.toLowerCase().replaceAll(' ', '-'),
    title,
    status,
    ...(detail ? { detail } : {}),
    ...(requestId ? { requestId } : {}),
    ...extra,
  })
}
