import { NormalizeInput, normalizeUpload } from '@jiandu/pipeline';
import { deps } from '../runtime.js';

/** Step Functions task `Normalize`: one uploaded file → one dataset version. */
export const handler = async (event: unknown) => normalizeUpload(deps, NormalizeInput.parse(event));
