import { NavLink, Outlet } from 'react-router'
import { useAuth } from '../auth/auth'
import { Button } from './ui'

const LINKS = [
  { to: '/', label: 'Overview', end: true },
  { to: '/campaigns', label: 'Campaigns' },
  { to: '/pledges', label: 'Pledges' },
  { to: '/payments', label: 'Payments' },
  { to: '/users', label: 'Users' },
  { to: '/audit', label: 'Audit log' },
  { to: '/analytics', label: 'Analytics' },
] as const

export function Layout() {
  const { session, signOut } = useAuth()
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">Care For All</div>
        <nav aria-label="Main">
          <ul>
            {LINKS.map((link) => (
              <li key={link.to}>
                <NavLink to={link.to} end={'end' in link ? link.end : false}>
                  {link.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <span title={session?.user.email}>{session?.user.name}</span>
          <Button onClick={() => void signOut()}>Sign out</Button>
        </div>
      </aside>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  )
}
