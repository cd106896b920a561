import { PageHeader } from '../components/ui'

export function CampaignDetailPage() {
  return <PageHeader title="CampaignDetailPage" />
}
