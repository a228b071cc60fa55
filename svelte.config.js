// Read by @sveltejs/vite-plugin-svelte and svelte-check: TypeScript in <script lang="ts"> goes
// through Vite's own transform, so .svelte files use the same TS rules as the rest of src/.
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess(),
};
