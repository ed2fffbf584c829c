import { defineConfig } from 'vite';

// COOP/COEP make the page cross-origin isolated, so the worker can share its snapshot through a
// SharedArrayBuffer (docs/ARCHITECTURE.md, "The snapshot"). Same headers for the dev server and for `vite preview`.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Static files the page loads as they are (the favicon) live with the CLI's in assets/.
  publicDir: 'assets/page',
  server: { host: '127.0.0.1', port: 5173, headers: isolation },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, headers: isolation },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});
