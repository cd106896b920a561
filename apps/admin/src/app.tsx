import type { ReactNode } from 'react'
import { Navigate, Route, Routes, useLocation } from 'react-router'
import { useAuth } from './auth/auth'
import { Layout } from './components/layout'
import { AnalyticsPage } from './pages/analytics'
import { AuditPage } from './pages/audit'
import { CampaignDetailPage } from './pages/campaign-detail'
import { CampaignFormPage } from './pages/campaign-form'
import { CampaignsPage } from './pages/campaigns'
import { OverviewPage } from './pages/overview'
import { PaymentsPage } from './pages/payments'
import { PledgeDetailPage } from './pages/pledge-detail'
import { PledgesPage } from './pages/pledges'
import { SignInPage } from './pages/sign-in'
import { UsersPage } from './pages/users'

function RequireAdmin({ children }: { children: ReactNode }) {
  const { session } = useAuth()
  const location = useLocation()
  if (!session)
    return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />
  return <>{children}</>
}

/** Every page of the panel; paths are relative to /admin. */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route
        element={
          <RequireAdmin>
            <Layout />
          </RequireAdmin>
        }
      >
        <Route index element={<OverviewPage />} />
        <Route path="campaigns" element={<CampaignsPage />} />
        <Route path="campaigns/new" element={<CampaignFormPage />} />
        <Route path="campaigns/:id" element={<CampaignDetailPage />} />
        <Route path="campaigns/:id/edit" element={<CampaignFormPage />} />
        <Route path="pledges" element={<PledgesPage />} />
        <Route path="pledges/:id" element={<PledgeDetailPage />} />
        <Route path="payments" element={<PaymentsPage />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="analytics" element={<AnalyticsPage />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Route>
    </Routes>
  )
}
