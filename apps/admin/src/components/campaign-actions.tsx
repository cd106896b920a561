import { CAMPAIGN_MOVES } from '@careforall/contracts'
import { useCallback, useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { useDeleteCampaign, useUpdateCampaign } from '../api/campaigns'
import type { Campaign, CampaignStatus } from '../api/types'
import { Button, ConfirmDialog } from './ui'

function labelOf(from: CampaignStatus, to: CampaignStatus): string {
  if (to === 'ACTIVE') return from === 'PAUSED' ? 'Resume' : 'Activate'
  if (to === 'PAUSED') return 'Pause'
  if (to === 'COMPLETED') return 'Complete'
  return `Move to ${to}`
}

const CONSEQUENCE: Record<CampaignStatus, string> = {
  DRAFT: 'It goes back to being a draft.',
  ACTIVE: 'It is public and takes pledges.',
  PAUSED: 'It stops taking pledges until it is resumed; its page stays public.',
  COMPLETED: 'It stops taking pledges for good and its chat becomes read-only. This cannot be undone.',
}

/**
 * The header of a campaign's page: edit, the status moves its lifecycle allows from here (each
 * confirmed first; the API's 409 or 422 is shown in the dialog), and deleting a draft.
 */
export function CampaignActions({ campaign }: { campaign: Campaign }) {
  const navigate = useNavigate()
  const update = useUpdateCampaign(campaign.id)
  const remove = useDeleteCampaign(campaign.id)
  const [moving, setMoving] = useState<CampaignStatus | null>(null)
  const [deleting, setDeleting] = useState(false)
  const stopMoving = useCallback(() => {
    setMoving(null)
    update.reset()
  }, [update.reset])
  const stopDeleting = useCallback(() => {
    setDeleting(false)
    remove.reset()
  }, [remove.reset])

  return (
    <>
      <Link className="btn btn-secondary" to={`/campaigns/${campaign.id}/edit`}>
        Edit
      </Link>
      {CAMPAIGN_MOVES[campaign.status].map((to) => (
        <Button key={to} variant={to === 'COMPLETED' ? 'danger' : 'primary'} onClick={() => setMoving(to)}>
          {labelOf(campaign.status, to)}
        </Button>
      ))}
      {campaign.status === 'DRAFT' ? (
        <Button variant="danger" onClick={() => setDeleting(true)}>
          Delete draft
        </Button>
      ) : null}
      {moving ? (
        <ConfirmDialog
          title={`${labelOf(campaign.status, moving)} “${campaign.title}”?`}
          confirmLabel={labelOf(campaign.status, moving)}
          variant={moving === 'COMPLETED' ? 'danger' : 'primary'}
          busy={update.isPending}
          error={update.error}
          onCancel={stopMoving}
          onConfirm={() => update.mutate({ status: moving }, { onSuccess: () => setMoving(null) })}
        >
          <p>
            {campaign.status} → {moving}. {CONSEQUENCE[moving]}
          </p>
        </ConfirmDialog>
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete “${campaign.title}”?`}
          confirmLabel="Delete draft"
          busy={remove.isPending}
          error={remove.error}
          onCancel={stopDeleting}
          onConfirm={() => remove.mutate(undefined, { onSuccess: () => navigate('/campaigns') })}
        >
          <p>The draft is deleted for good. Only drafts can be deleted.</p>
        </ConfirmDialog>
      ) : null}
    </>
  )
}
