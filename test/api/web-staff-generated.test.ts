import { describe, expect, it } from 'vitest';
import { generatedValues } from '../../packages/web-staff/scripts/generate.js';
import * as generated from '../../packages/web-staff/src/generated/server.js';

// The dashboard's navigation and labels come from the server's route table and domain
// modules; this fails when the generated copy is stale (run the script named in the file).
describe('web-staff generated module', () => {
  it('matches the route table and the domain labels', () => {
    expect({ ...generated }).toEqual(generatedValues());
  });

  it('lets township officers reach leads but not the audit log', () => {
    expect(generated.ROUTE_ACCESS['GET /api/v1/leads']).toContain('township_officer');
    expect(generated.ROUTE_ACCESS['GET /api/v1/audit']).toEqual(['admin']);
  });
});
