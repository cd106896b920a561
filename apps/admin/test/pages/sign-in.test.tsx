import { describe, expect, test } from 'bun:test'
import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { session } from '../../src/api/session'
import { SignInPage } from '../../src/pages/sign-in'
import { ADMIN, mockApi, problem, renderPage } from '../support'

const auth = (role: 'admin' | 'donor') => ({
  body: {
    user: { ...ADMIN.user, role },
    accessToken: 'a',
    refreshToken: 'r',
    tokenType: 'Bearer',
    expiresIn: 900,
  },
})

describe('sign in', () => {
  test('an admin signs in and lands where they were going', async () => {
    const calls = mockApi({ 'POST /api/auth/login': auth('admin') })
    renderPage(<SignInPage />, { path: '/sign-in', route: '/sign-in', signedIn: false })
    await userEvent.type(screen.getByLabelText('Email'), 'admin@example.com')
    await userEvent.type(screen.getByLabelText('Password'), 'secret')
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    await waitFor(() => expect(screen.getByText('elsewhere')).toBeDefined())
    expect(calls[0]?.body).toEqual({ email: 'admin@example.com', password: 'secret' })
    expect(session.get()?.user.role).toBe('admin')
  })

  test('a donor is refused clearly and their session is ended', async () => {
    const calls = mockApi({ 'POST /api/auth/login': auth('donor'), 'POST /api/auth/logout': { status: 204 } })
    renderPage(<SignInPage />, { path: '/sign-in', route: '/sign-in', signedIn: false })
    await userEvent.type(screen.getByLabelText('Email'), 'donor@example.com')
    await userEvent.type(screen.getByLabelText('Password'), 'secret')
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect((await screen.findByRole('alert')).textContent).toContain('not an admin')
    expect(session.get()).toBeNull()
    expect(calls.map((c) => `${c.method} ${c.path}`)).toContain('POST /api/auth/logout')
  })

  test('wrong credentials show the API problem, and empty fields are caught before any request', async () => {
    const calls = mockApi({ 'POST /api/auth/login': problem(401, 'Unauthorized', 'wrong email or password') })
    renderPage(<SignInPage />, { path: '/sign-in', route: '/sign-in', signedIn: false })
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(calls).toHaveLength(0)
    expect(screen.getAllByText('Required')).toHaveLength(1)
    await userEvent.type(screen.getByLabelText('Email'), 'admin@example.com')
    await userEvent.type(screen.getByLabelText('Password'), 'nope')
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect((await screen.findByRole('alert')).textContent).toContain('wrong email or password')
  })
})
