import { CampaignPatch, NewCampaign } from '@careforall/contracts'
import { type FormEvent, useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { useCampaign, useCreateCampaign, useUpdateCampaign } from '../api/campaigns'
import { ApiError } from '../api/client'
import type { Campaign } from '../api/types'
import { fromUtcInput, toUtcInput } from '../components/datetime'
import { fieldErrorsOf } from '../components/form-errors'
import { Button, ErrorBox, Field, PageHeader, QueryView, TextInput } from '../components/ui'

type Name = 'title' | 'description' | 'goalAmount' | 'startDate' | 'endDate'
type Values = Record<Name, string>

const NAMES: readonly Name[] = ['title', 'description', 'goalAmount', 'startDate', 'endDate']

function valuesOf(campaign: Campaign | undefined): Values {
  return {
    title: campaign?.title ?? '',
    description: campaign?.description ?? '',
    goalAmount: campaign ? String(campaign.goalAmount) : '',
    startDate: toUtcInput(campaign?.startDate),
    endDate: toUtcInput(campaign?.endDate),
  }
}

/** What the inputs hold, as the API's body: an empty input is a missing field, not a zero. */
function bodyOf(values: Values): Record<Name, unknown> {
  return {
    title: values.title,
    description: values.description,
    goalAmount: values.goalAmount.trim() === '' ? undefined : Number(values.goalAmount),
    startDate: fromUtcInput(values.startDate),
    endDate: fromUtcInput(values.endDate),
  }
}

/** The fields an edit changed; dates compare as typed, so an untouched date keeps its seconds. */
function changesOf(valid: NewCampaign, values: Values, campaign: Campaign): Partial<NewCampaign> {
  const initial = valuesOf(campaign)
  const patch: Partial<NewCampaign> = {}
  if (valid.title !== campaign.title) patch.title = valid.title
  if (valid.description !== campaign.description) patch.description = valid.description
  if (valid.goalAmount !== campaign.goalAmount) patch.goalAmount = valid.goalAmount
  if (values.startDate !== initial.startDate) patch.startDate = valid.startDate
  if (values.endDate !== initial.endDate) patch.endDate = valid.endDate
  return patch
}

/** `/campaigns/new` creates, `/campaigns/:id/edit` edits (sending only what changed). */
export function CampaignFormPage() {
  const { id } = useParams()
  if (!id) return <CampaignForm />
  return <EditCampaign id={id} />
}

function EditCampaign({ id }: { id: string }) {
  const query = useCampaign(id)
  return (
    <QueryView query={query}>
      {(campaign) => <CampaignForm key={`${campaign.id}:${campaign.version}`} campaign={campaign} />}
    </QueryView>
  )
}

function CampaignForm({ campaign }: { campaign?: Campaign }) {
  const navigate = useNavigate()
  const create = useCreateCampaign()
  const update = useUpdateCampaign(campaign?.id ?? '')
  const mutation = campaign ? update : create
  const [values, setValues] = useState<Values>(() => valuesOf(campaign))
  const [errors, setErrors] = useState<Record<string, string>>({})

  const serverErrors = mutation.error instanceof ApiError ? mutation.error.fieldErrors : {}
  const errorOf = (name: Name) => errors[name] ?? serverErrors[name]
  const set = (name: Name) => (event: { target: { value: string } }) => {
    setValues((current) => ({ ...current, [name]: event.target.value }))
    setErrors(({ [name]: _, '': __, ...rest }) => rest)
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    mutation.reset()
    const body = bodyOf(values)
    // The whole campaign is checked even for an edit, so an end before the start is caught here.
    const valid = NewCampaign.safeParse(body)
    if (!valid.success) return setErrors(fieldErrorsOf(valid.error.issues, body))
    const saved = (saved: Campaign) => navigate(`/campaigns/${saved.id}`)
    if (!campaign) return create.mutate(valid.data, { onSuccess: saved })
    const patch = CampaignPatch.safeParse(changesOf(valid.data, values, campaign))
    if (!patch.success) return setErrors({ '': 'Nothing has changed.' })
    setErrors({})
    update.mutate(patch.data, { onSuccess: saved })
  }

  const cancelTo = campaign ? `/campaigns/${campaign.id}` : '/campaigns'
  return (
    <>
      <PageHeader title={campaign ? `Edit “${campaign.title}”` : 'New campaign'} />
      <form className="card campaign-form" onSubmit={onSubmit} noValidate aria-label="Campaign">
        <TextInput
          label="Title"
          name="title"
          value={values.title}
          onChange={set('title')}
          maxLength={200}
          error={errorOf('title')}
        />
        <Field label="Description" error={errorOf('description')} hint="Plain text, up to 10,000 characters">
          {(a11y) => (
            <textarea
              {...a11y}
              name="description"
              rows={6}
              maxLength={10_000}
              value={values.description}
              onChange={set('description')}
            />
          )}
        </Field>
        <TextInput
          label="Goal (USD)"
          name="goalAmount"
          type="number"
          inputMode="decimal"
          min="0.01"
          step="0.01"
          value={values.goalAmount}
          onChange={set('goalAmount')}
          error={errorOf('goalAmount')}
        />
        <div className="two-columns">
          <TextInput
            label="Starts (UTC)"
            name="startDate"
            type="datetime-local"
            value={values.startDate}
            onChange={set('startDate')}
            error={errorOf('startDate')}
          />
          <TextInput
            label="Ends (UTC)"
            name="endDate"
            type="datetime-local"
            value={values.endDate}
            onChange={set('endDate')}
            error={errorOf('endDate')}
          />
        </div>
        {errors[''] ? (
          <p className="error" role="alert">
            {errors['']}
          </p>
        ) : null}
        {mutation.error && !NAMES.some((name) => serverErrors[name]) ? (
          <ErrorBox error={mutation.error} />
        ) : null}
        <div className="actions">
          <Button type="submit" variant="primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Saving…' : campaign ? 'Save changes' : 'Create campaign'}
          </Button>
          <Link to={cancelTo}>Cancel</Link>
        </div>
      </form>
    </>
  )
}
