import { defineConfig } from 'vite';

/**
 * Built into `dist/`, served at `/staff/` by the local platform (packages/local/src/web.ts) and
 * by CloudFront in AWS; the page only calls the API under `/api/` on the same host.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/staff/',
  // The statistics page's chunk is ECharts (bar chart only, ~510 kB, ~170 kB gzipped), loaded
  // when the page opens; the rest of the app is ~45 kB.
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2020', chunkSizeWarningLimit: 600 },
  // `npx vite packages/web-staff` during development: the API of `npm start` on port 3000.
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
