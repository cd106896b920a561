import {
  type CloudEvent,
  centsToNumeric,
  Events,
  type EventType,
  numericToCents,
  PledgeState,
  toCents,
} from '@careforall/contracts'
import type { Queryable, TransactionSql } from '@careforall/db'
import {
  type AuthUser,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  isAdminOr,
  NotFoundError,
  UnauthorizedError,
  UnprocessableError,
} from '@careforall/http'
import type { Logger } from '@careforall/logger'
import { publish } from '@careforall/messaging'
import type { CampaignOf } from '../campaign-client'
import { donorKeyOf, isValidReceiptToken } from '../domain/donor'
import { type ListQuery, listingFor } from '../domain/listing'
import { applyFact, type PaymentFact } from '../domain/state-machine'
import {
  claimRefund,
  findPledge,
  type HistoryRow,
  historyOf,
  insertPledge,
  listPledges,
  type PledgeRow,
  pledgeFiguresByState,
  recordTransition,
  savePaymentState,
} from '../store/pledges'

const SOURCE = 'pledge-service'

export interface NewPledgeInput {
  campaignId: string
  amount: number
  paymentMethod?: string | undefined
  donorEmail?: string | undefined
  donorName?: string | undefined
  anonymous?: boolean | undefined
}

export interface PledgeDeps {
  campaignOf: CampaignOf
  donorKeySecret: string
  logger: Logger
}

/**
 * Creates a PENDING pledge for a campaign that is ACTIVE at this moment, and `pledge.created` with
 * it, inside the caller's (idempotent) transaction: the payment service authorizes from the event.
 * The pledge, its first history row and the outbox row are written in one round trip.
 */
export async function createPledge(
  tx: TransactionSql,
  deps: PledgeDeps,
  caller: AuthUser | undefined,
  input: NewPledgeInput,
  causeId: string,
): Promise<{ pledge: PledgeRow; history: HistoryRow }> {
  if (!caller && !input.donorEmail) throw new UnprocessableError('A guest pledge needs donorEmail')
  const campaign = await deps.campaignOf(input.campaignId)
  if (!campaign) throw new UnprocessableError('campaignId does not name a campaign')
  if (campaign.status !== 'ACTIVE') {
    throw new ConflictError(`The campaign is ${campaign.status} and does not take pledges`, {
      campaignStatus: campaign.status,
    })
  }
  const amountCents = toCents(input.amount)
  const fresh = {
    id: Bun.randomUUIDv7(),
    campaignId: campaign.id,
    campaignOwnerId: campaign.ownerId,
    userId: caller?.id ?? null,
    donorEmail: input.donorEmail?.trim() ?? null,
    donorName: input.donorName?.trim() || null,
    donorKey: donorKeyOf({ userId: caller?.id, email: input.donorEmail }, deps.donorKeySecret),
    anonymous: input.anonymous ?? false,
    amount: centsToNumeric(amountCents),
    paymentMethod: input.paymentMethod ?? 'pm_ok',
  }
  const [created] = await Promise.all([
    insertPledge(tx, fresh, causeId),
    publish(tx, SOURCE, {
      type: Events.PledgeCreated,
      aggregate: 'pledge',
      aggregateId: fresh.id,
      subject: fresh.id,
      data: {
        pledgeId: fresh.id,
        campaignId: fresh.campaignId,
        campaignOwnerId: fresh.campaignOwnerId,
        userId: fresh.userId,
        donorKey: fresh.donorKey,
        amountCents,
        currency: 'USD',
        paymentMethod: fresh.paymentMethod,
        anonymous: fresh.anonymous,
      },
    }),
  ])
  return created
}

/**
 * A pledge and its history, for whoever may follow it: its donor, an admin, or a guest holding its
 * receipt token. Anyone else is told it does not exist, so nothing about donors leaks.
 */
export async function readPledge(
  sql: Queryable,
  receiptTokenSecret: string,
  id: string,
  caller: AuthUser | undefined,
  receiptToken: string | undefined,
): Promise<{ pledge: PledgeRow; history: HistoryRow[] }> {
  const pledge = await findPledge(sql, id)
  const allowed =
    pledge &&
    (isAdminOr(caller, pledge.userId) ||
      (receiptToken !== undefined && isValidReceiptToken(pledge.id, receiptToken, receiptTokenSecret)))
  if (!pledge || !allowed) throw new NotFoundError('No pledge with this id')
  return { pledge, history: await historyOf(sql, pledge.id) }
}

const REFUSALS = {
  'sign-in': () => new UnauthorizedError(),
  'admins-only': () => new ForbiddenError('Filtering by state, date or stuck is for admins'),
  'no-scope': () => new BadRequestError('Give campaignId, or mine=true'),
}

/**
 * A page of pledges as the caller may see them (see `listingFor`): full ones, or public donations.
 * A pledge is stuck when it has waited in PENDING or AUTHORIZED for more than `stuckAfterSeconds`.
 */
export async function listPledgesFor(
  sql: Queryable,
  caller: AuthUser | undefined,
  query: ListQuery,
  page: { limit: number; after: { createdAt: string; id: string } | undefined },
  stuckAfterSeconds: number,
): Promise<{ view: 'full' | 'public'; rows: PledgeRow[] }> {
  const listing = listingFor(caller, query)
  if ('refused' in listing) throw REFUSALS[listing.refused]()
  const { stuck, ...filter } = listing.filter
  const rows = await listPledges(sql, {
    ...filter,
    ...(stuck ? { stuckForSeconds: stuckAfterSeconds } : {}),
    ...page,
  })
  return { view: listing.view, rows }
}

export interface PledgeStatistics {
  /** Every state, zeros included: how many pledges and the sum of their amounts. */
  byState: Record<PledgeState, { count: number; amountCents: number }>
  stuck: number
}

/** The pledges created within [from, to) (either end open), counted by state, and the stuck ones among them. */
export async function pledgeStatistics(
  sql: Queryable,
  window: { from?: string | undefined; to?: string | undefined },
  stuckAfterSeconds: number,
): Promise<PledgeStatistics> {
  const rows = await pledgeFiguresByState(sql, { ...window, stuckForSeconds: stuckAfterSeconds })
  const byState = Object.fromEntries(
    PledgeState.options.map((state) => [state, { count: 0, amountCents: 0 }]),
  ) as PledgeStatistics['byState']
  let stuck = 0
  for (const row of rows) {
    byState[row.state] = { count: row.count, amountCents: numericToCents(row.amount) }
    stuck += row.stuck
  }
  return { byState, stuck }
}

type PaymentEvent = CloudEvent<
  (typeof Events)['PaymentAuthorized' | 'PaymentCaptured' | 'PaymentFailed' | 'PaymentRefunded']
>

function factOf(event: PaymentEvent): PaymentFact {
  const kinds: Partial<Record<EventType, PaymentFact['kind']>> = {
    [Events.PaymentAuthorized]: 'authorized',
    [Events.PaymentCaptured]: 'captured',
    [Events.PaymentFailed]: 'failed',
    [Events.PaymentRefunded]: 'refunded',
  }
  const kind = kinds[event.type]!
  return kind === 'refunded' ? { kind, amountCents: event.data.amountCents } : ({ kind } as PaymentFact)
}

/**
 * Applies a payment event to its pledge (inside the inbox transaction, under a row lock): each
 * transition is stored with the event id that caused it and announced as `pledge.state_changed`.
 * Late, duplicate and early events change nothing they should not (see the state machine). An
 * event for a pledge we do not know is logged and dropped: the payment service only creates
 * payments from our own `pledge.created`, so there is nothing to wait for.
 */
export async function applyPaymentEvent(
  tx: TransactionSql,
  event: PaymentEvent,
  logger: Logger,
): Promise<PledgeState | undefined> {
  const pledge = await findPledge(tx, event.data.pledgeId, true)
  if (!pledge) {
    logger.warn({ pledgeId: event.data.pledgeId, eventId: event.id }, 'payment event for an unknown pledge')
    return undefined
  }
  const fact = factOf(event)
  if (fact.kind === 'refunded') {
    const fresh = await claimRefund(tx, {
      refundId: event.data.refundId!,
      pledgeId: pledge.id,
      amountCents: fact.amountCents,
      eventId: event.id,
    })
    if (!fresh) return pledge.state
  }
  const outcome = applyFact(
    {
      state: pledge.state,
      amountCents: numericToCents(pledge.amount),
      refundedCents: numericToCents(pledge.refundedAmount),
    },
    fact,
  )
  // The transitions' history and outbox rows and the new state go out together: one round trip.
  const writes: Promise<unknown>[] = []
  for (const transition of outcome.transitions) {
    writes.push(recordTransition(tx, pledge.id, transition, event.id))
    writes.push(
      publish(tx, SOURCE, {
        type: Events.PledgeStateChanged,
        aggregate: 'pledge',
        aggregateId: pledge.id,
        subject: pledge.id,
        data: {
          pledgeId: pledge.id,
          campaignId: pledge.campaignId,
          from: transition.from,
          to: transition.to,
          causeEventId: event.id,
        },
      }),
    )
  }
  writes.push(
    savePaymentState(tx, pledge.id, {
      state: outcome.state,
      refundedAmount: centsToNumeric(outcome.refundedCents),
      paymentId: event.data.paymentId,
      paymentIntentId: event.data.providerTransactionId,
    }),
  )
  await Promise.all(writes)
  return outcome.state
}
