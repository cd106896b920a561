import type { Pledge } from '../api/types'

/**
 * A pledge's donor as the admin sees them: an anonymous pledge says "Anonymous" first (that is
 * what the public sees), then the name the API gives the admin, marked as hidden from the public.
 */
export function Donor({ pledge }: { pledge: Pick<Pledge, 'donorName' | 'anonymous' | 'userId'> }) {
  if (pledge.anonymous) {
    return (
      <span className="donor">
        <span className="badge badge-anonymous">Anonymous</span>
        {pledge.donorName ? (
          <span className="muted" title="Hidden from the public">
            {' '}
            {pledge.donorName} <span className="visually-hidden">(hidden from the public)</span>
          </span>
        ) : null}
      </span>
    )
  }
  return <span className="donor">{pledge.donorName ?? (pledge.userId ? 'Signed-in donor' : '—')}</span>
}
