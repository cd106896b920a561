import type { UserPatch, UserRole } from '@careforall/contracts'
import { useState } from 'react'
import type { User } from '../api/types'
import { useUpdateUser, useUsers } from '../api/users'
import { useAuth } from '../auth/auth'
import { formatDate } from '../components/format'
import { Badge, Button, ConfirmDialog, PageHeader, Pager, QueryView, TextInput } from '../components/ui'
import { usePager } from '../components/use-pager'
import { useFilterForm } from '../components/use-url-filters'

const FILTERS = ['q'] as const

interface Change {
  user: User
  patch: UserPatch
}

function wording({ user, patch }: Change): { title: string; text: string; label: string } {
  if (patch.role) {
    return {
      title: `Make ${user.name} ${patch.role === 'admin' ? 'an admin' : 'a donor'}?`,
      text: 'Their sessions end at once; they sign in again with the new role.',
      label: 'Change role',
    }
  }
  return patch.disabled
    ? {
        title: `Disable ${user.name}?`,
        text: 'Every session of theirs ends at once and they cannot sign in until enabled again.',
        label: 'Disable',
      }
    : { title: `Enable ${user.name}?`, text: 'They can sign in again.', label: 'Enable' }
}

export function UsersPage() {
  const form = useFilterForm(FILTERS)
  return (
    <>
      <PageHeader title="Users" />
      <form className="filters" aria-label="Search users" onSubmit={form.onSubmit}>
        <TextInput label="Search" type="search" placeholder="Name or email" {...form.text('q')} />
        <div className="actions">
          <Button type="submit" variant="primary">
            Search
          </Button>
          <Button onClick={form.clear}>Clear</Button>
        </div>
      </form>
      <UserResults key={form.key} q={form.applied.q} />
    </>
  )
}

function UserResults({ q }: { q: string }) {
  const pager = usePager()
  const query = useUsers(q, pager.cursor)
  const update = useUpdateUser()
  const me = useAuth().session?.user.id
  const [change, setChange] = useState<Change | null>(null)
  const [notice, setNotice] = useState<string | null>(null)

  const ask = (next: Change) => {
    update.reset()
    setChange(next)
  }
  const confirm = () => {
    if (!change || update.isPending) return
    update.mutate(
      { id: change.user.id, patch: change.patch },
      {
        onSuccess: (user) => {
          setChange(null)
          setNotice(
            `${user.name} is now ${user.disabled ? 'disabled' : 'active'}, with the ${user.role} role.`,
          )
        },
      },
    )
  }
  const dialog = change ? wording(change) : null

  return (
    <>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <QueryView
        query={query}
        isEmpty={(page) => page.items.length === 0 && !pager.hasPrevious}
        empty={q ? `No user matches “${q}”.` : 'No users yet.'}
      >
        {(page) => (
          <>
            <UserTable users={page.items} me={me} onChange={ask} />
            <Pager
              hasPrevious={pager.hasPrevious}
              nextCursor={page.nextCursor}
              onPrevious={pager.previous}
              onNext={pager.next}
            />
          </>
        )}
      </QueryView>
      {change && dialog ? (
        <ConfirmDialog
          title={dialog.title}
          confirmLabel={dialog.label}
          variant={change.patch.disabled || change.patch.role === 'donor' ? 'danger' : 'primary'}
          busy={update.isPending}
          error={update.error}
          onConfirm={confirm}
          onCancel={() => setChange(null)}
        >
          <p>{dialog.text}</p>
        </ConfirmDialog>
      ) : null}
    </>
  )
}

function UserTable({
  users,
  me,
  onChange,
}: {
  users: readonly User[]
  me: string | undefined
  onChange: (change: Change) => void
}) {
  return (
    <div className="table-wrap">
      <table aria-label="Users">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Joined</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => {
            const self = user.id === me
            return (
              <tr key={user.id}>
                <td>
                  {user.name} {self ? <span className="muted">(you)</span> : null}
                </td>
                <td>{user.email}</td>
                <td>
                  <select
                    aria-label={`Role of ${user.name}`}
                    value={user.role}
                    disabled={self}
                    title={self ? 'You cannot change your own role' : undefined}
                    onChange={(event) => onChange({ user, patch: { role: event.target.value as UserRole } })}
                  >
                    <option value="donor">donor</option>
                    <option value="admin">admin</option>
                  </select>
                </td>
                <td>
                  <Badge value={user.disabled ? 'disabled' : 'active'} />
                </td>
                <td>{formatDate(user.createdAt)}</td>
                <td>
                  {user.disabled ? (
                    <Button onClick={() => onChange({ user, patch: { disabled: false } })}>
                      Enable <span className="visually-hidden">{user.name}</span>
                    </Button>
                  ) : (
                    <Button
                      variant="danger"
                      disabled={self}
                      title={self ? 'You cannot disable yourself' : undefined}
                      onClick={() => onChange({ user, patch: { disabled: true } })}
                    >
                      Disable <span className="visually-hidden">{user.name}</span>
                    </Button>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
