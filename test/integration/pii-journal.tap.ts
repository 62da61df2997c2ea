/** vitest setup file of the integration projects: record the public responses of this test process. */
import { JOURNAL_ENV, tapPublicResponses } from '../support/pii-journal.js';

const dir = process.env[JOURNAL_ENV];
if (dir) tapPublicResponses(dir);
