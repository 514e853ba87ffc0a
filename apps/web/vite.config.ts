import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** Where `pnpm dev` sends API calls: a Sesame server started with `pnpm --filter @sesame/server dev`. */
const apiTarget = process.env.SESAME_API_URL ?? "http://localhost:3000";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true },
  server: {
    proxy: {
      // The Host header is passed on unchanged (no changeOrigin), so the server sees the dev
      // origin as its own and its CSRF Origin check accepts the cookie-carrying calls.
      "/trpc": { target: apiTarget },
    },
  },
});
