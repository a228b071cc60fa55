// The page's entry: the theme, the service worker (offline use and update prompts), and the app.
import { mount } from 'svelte';
import './ui/theme.css';
import App from './ui/App.svelte';
import { registerServiceWorker } from './ui/pwa.svelte.ts';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

registerServiceWorker();
export default mount(App, { target });
