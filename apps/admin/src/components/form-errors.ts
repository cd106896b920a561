/** The parts of a Zod issue a form needs (structural, so the panel does not import zod itself). */
export interface Issue {
  code: string
  path: PropertyKey[]
  message: string
  origin?: string
  maximum?: number | bigint
}

function messageOf(issue: Issue, value: unknown): string {
  if (value === undefined || (issue.code === 'too_small' && issue.origin === 'string')) return 'Required'
  if (issue.code === 'too_small' && issue.origin === 'number') return 'Must be more than 0'
  if (issue.code === 'too_big' && issue.origin === 'string') return `At most ${issue.maximum} characters`
  if (issue.code === 'too_big' && issue.origin === 'number') return `At most ${issue.maximum}`
  if (issue.code === 'invalid_format') return 'Enter a date and time'
  return issue.message
}

/**
 * One message per field (the first issue wins), in words a form can show; issues about the whole
 * body (an empty path) are under `''`.
 */
export function fieldErrorsOf(
  issues: readonly Issue[],
  body: Record<string, unknown>,
): Record<string, string> {
  const errors: Record<string, string> = {}
  for (const issue of issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : ''
    errors[field] ??= messageOf(issue, field ? body[field] : body)
  }
  return errors
}
