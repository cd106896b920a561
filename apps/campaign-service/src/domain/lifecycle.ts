import { CAMPAIGN_MOVES, type CampaignStatus } from '@careforall/contracts'

/**
 * The campaign lifecycle: DRAFT → ACTIVE ⇄ PAUSED, ACTIVE|PAUSED → COMPLETED. COMPLETED is final.
 * A pure table, tested on its own; the service asks it before every status change.
 */
const MOVES = CAMPAIGN_MOVES

export function allowedMoves(from: CampaignStatus): readonly CampaignStatus[] {
  return MOVES[from]
}

/** A status change a user asked for that the lifecycle does not allow. */
export class IllegalMoveError extends Error {
  constructor(
    readonly from: CampaignStatus,
    readonly to: CampaignStatus,
  ) {
    const allowed = MOVES[from]
    super(
      allowed.length
        ? `A ${from} campaign can move to ${allowed.join(' or ')}, not ${to}`
        : `A ${from} campaign cannot change any more`,
    )
  }

  get allowed(): readonly CampaignStatus[] {
    return MOVES[this.from]
  }
}

/** Checks a requested move; staying in the same status is not a move and is refused too. */
export function assertMove(from: CampaignStatus, to: CampaignStatus): void {
  if (!MOVES[from].includes(to)) throw new IllegalMoveError(from, to)
}

/** Whether the fields (title, goal, dates…) may still change: not once the campaign is over. */
export function isEditable(status: CampaignStatus): boolean {
  return status !== 'COMPLETED'
}
