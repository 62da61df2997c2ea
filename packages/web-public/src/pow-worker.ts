// Runs the proof-of-work search off the page's thread (see pow.ts).
import { type PowTask, solvePow } from './pow.js';

self.onmessage = (event: MessageEvent<PowTask>) => {
  self.postMessage(solvePow(event.data));
};
