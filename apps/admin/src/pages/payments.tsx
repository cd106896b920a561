import { PageHeader } from '../components/ui'

export function PaymentsPage() {
  return <PageHeader title="PaymentsPage" />
}
