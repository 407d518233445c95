import { defineConfig } from "vite";

/** This directory and the project's (for shared/), as file paths. */
const root = decodeURIComponent(new URL(".", import.meta.url).pathname);
const projectRoot = decodeURIComponent(new URL("..", import.meta.url).pathname);

/**
 * The console: a static single-page app (web/dist) that talks only to the API under its own origin's
 * `/api` (the console server locally, CloudFront in the cloud). It imports pure domain tables from
 * shared/ (classification, roles, error codes), so the console and the API never disagree on them.
 */
export default defineConfig({
  root,
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  resolve: { alias: { react: "preact/compat", "react-dom": "preact/compat" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
    target: "es2022",
  },
  server: { fs: { allow: [projectRoot] } },
  logLevel: "warn",
});
