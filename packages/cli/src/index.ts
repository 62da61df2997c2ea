/** The staff command line: upload folders of department files, export leads. */
export * from './api.js';
export * from './executions.js';
export * from './export.js';
export * from './layout.js';
export * from './main.js';
export * from './report.js';
export * from './target.js';
export * from './upload.js';
