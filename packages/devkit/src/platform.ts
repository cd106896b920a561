/** The seven services: name, folder, default port and database schema (none for the gateway). */
export const SERVICES = [
  { name: 'auth', port: 3001, schema: 'auth' },
  { name: 'campaign', port: 3002, schema: 'campaign' },
  { name: 'pledge', port: 3003, schema: 'pledge' },
  { name: 'payment', port: 3004, schema: 'payment' },
  { name: 'totals', port: 3005, schema: 'totals' },
  { name: 'chat', port: 3006, schema: 'chat' },
  { name: 'gateway', port: 3000, schema: undefined },
] as const

export type ServiceName = (typeof SERVICES)[number]['name']

export function serviceDir(name: ServiceName): string {
  return new URL(`../../../apps/${name}-service`, import.meta.url).pathname
}
