// Builds the editor front end into the Python package (spark/editor/static), which is committed so
// that users of the package need no front-end build step.
import { fileURLToPath, URL } from "node:url";
import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";

export default defineConfig({
  plugins: [vue()],
  base: "./",
  build: {
    outDir: fileURLToPath(new URL("../spark/editor/static", import.meta.url)),
    emptyOutDir: true,
    assetsDir: "assets",
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
});
