import { PageHeader } from '../components/ui'

export function AnalyticsPage() {
  return <PageHeader title="AnalyticsPage" />
}
