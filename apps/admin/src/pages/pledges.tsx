import { PageHeader } from '../components/ui'

export function PledgesPage() {
  return <PageHeader title="PledgesPage" />
}
