// @pactflow/swagger-mock-validator ships no type declarations for its entry; this is the slice the cross-check uses.
declare module '@pactflow/swagger-mock-validator' {
  export interface ValidationOutcome { code: string; message: string; type: 'error' | 'warning'; source?: string; mockDetails?: unknown; specDetails?: unknown }
  export interface ValidationResult { success: boolean; failureReason?: string; errors: ValidationOutcome[]; warnings: ValidationOutcome[] }
  export const SwaggerMockValidatorFactory: {
    create(auth?: string): { validate(options: { specPathOrUrl: string; mockPathOrUrl: string }): Promise<ValidationResult> };
  };
}
