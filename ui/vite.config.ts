import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The Tauri window loads ui/dist through its custom protocol; the dev server exists only for
// `npm run dev` in a browser with mocked IPC.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { port: 1420, strictPort: true, host: "127.0.0.1" },
  build: {
    outDir: "dist",
    target: "es2022",
    sourcemap: false,
    // No inline module-preload polyfill script: the CSP allows no inline scripts.
    modulePreload: { polyfill: false },
  },
  test: {
    environment: "jsdom",
    include: ["tests/unit/**/*.test.{ts,tsx}"],
    setupFiles: ["tests/unit/setup.ts"],
    // A whole-window test of several steps took just over the 5 s default on a loaded CI machine.
    testTimeout: 20_000,
  },
});
