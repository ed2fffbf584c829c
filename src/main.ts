// Entry point of the Living Brain page: read the URL, say what was wrong with it (and carry on with defaults),
// then start the app. Any failure ends up as a visible message, never a blank page.
import { parsePageOptions } from './app/urlParams';
import { showMessage } from './app/overlays';
import { startApp } from './app/app';
import { parseLiveParams } from './app/liveSource';

const options = parsePageOptions(window.location.search);
if (options.problems.length > 0) showMessage('Some URL parameters were invalid; using defaults for them', options.problems);

const canvas = document.getElementById('brain');
if (!(canvas instanceof HTMLCanvasElement)) {
  showMessage('Cannot start', ['The page has no <canvas id="brain">.'], 'error');
} else if (!document.createElement('canvas').getContext('webgl2')) {
  // (Probed on a throwaway canvas: asking the real one would fix its context attributes before Babylon does.)
  showMessage('WebGL 2 is not available', ['The Living Brain needs WebGL 2. Try another browser or enable hardware acceleration.'], 'error');
} else {
  startApp(canvas, options, parseLiveParams(window.location.search)).catch((err: unknown) => {
    console.error('[qres] start failed', err);
    showMessage('The Living Brain could not start', [err instanceof Error ? err.message : String(err)], 'error');
  });
}
