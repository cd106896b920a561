import { PageHeader } from '../components/ui'

export function CampaignsPage() {
  return <PageHeader title="CampaignsPage" />
}
