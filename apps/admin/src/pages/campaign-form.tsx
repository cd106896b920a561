import { PageHeader } from '../components/ui'

export function CampaignFormPage() {
  return <PageHeader title="CampaignFormPage" />
}
