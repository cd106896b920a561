import { PageHeader } from '../components/ui'

export function PledgeDetailPage() {
  return <PageHeader title="PledgeDetailPage" />
}
