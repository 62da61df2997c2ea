/** asl-validator ships no types: the part the definition test uses. */
declare module 'asl-validator' {
  interface AslValidationResult {
    readonly isValid: boolean;
    readonly errors: readonly unknown[];
    errorsText(separator?: string): string;
  }
  export default function aslValidator(definition: unknown): AslValidationResult;
}
