import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

/**
 * The panel is served by the gateway at /admin (built into dist/). `bun run --filter
 * @careforall/admin dev` starts Vite's dev server on 5173 with hot reload, proxying /api to the
 * gateway that `bun run dev` started.
 */
const gateway = Bun.env.GATEWAY_URL ?? 'http://127.0.0.1:3000'

export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1200 },
  server: { port: 5173, strictPort: true, proxy: { '/api': { target: gateway, ws: true } } },
})
