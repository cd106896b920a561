import type { DbGauge, GaugeRow } from '@careforall/db'

/**
 * Users with a session used (signed in or refreshed) in the last 15 minutes: a browser that stays
 * open refreshes its 15-minute access token, so this counts the people using the platform now.
 */
export const authGauges: DbGauge[] = [
  {
    name: 'careforall_active_users',
    description: 'Users with a session used in the last 15 minutes',
    read: (sql) => sql<GaugeRow[]>`
      select count(distinct user_id)::int as value from sessions
      where revoked_at is null and last_used_at > now() - interval '15 minutes'`,
  },
]
