import { GlobalRegistrator } from '@happy-dom/global-registrator'

// Component tests render into happy-dom, at the panel's own address.
GlobalRegistrator.register({ url: 'http://localhost:3000/admin/' })

const { afterEach } = await import('bun:test')
const { cleanup } = await import('@testing-library/react')
afterEach(() => {
  cleanup()
  sessionStorage.clear()
})
