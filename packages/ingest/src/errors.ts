/** Why a whole file was refused (rather than some of its rows). */
export type FileRejectedCode =
  | 'empty_file'
  | 'no_rows'
  | 'not_a_spreadsheet'
  | 'bad_encoding'
  | 'encrypted'
  | 'too_large'
  | 'missing_columns'
  | 'no_header'
  | 'unsupported_format';

/**
 * A file that cannot be read as a dataset of its kind. The message is Chinese, for the
 * department that uploaded it; `details` lists the expected and found columns when relevant.
 */
export class FileRejectedError extends Error {
  readonly code: FileRejectedCode;
  readonly details: { expected?: string[]; found?: string[] };

  constructor(
    code: FileRejectedCode,
    message: string,
    details: { expected?: string[]; found?: string[] } = {},
  ) {
    super(message);
    this.name = 'FileRejectedError';
    this.code = code;
    this.details = details;
  }
}
