// A fact's `checked` date: a real day, never in the future; too old or missing, validate warns.
import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseProfile } from '../../src/profile/load.js';
import { DEFAULT_MAX_FACT_AGE_DAYS, staleFactWarnings } from '../../src/profile/fact-age.js';

const acme = (provenance: string) => `
id: acme
name: { en: Acme AI, zh: 艾克米 }
baseUrl: https://api.acme.example/anthropic
keyUrl: https://acme.example/keys
provenance:
${provenance}`;

const TODAY = new Date('2026-12-04T15:00:00Z');

function errorOf(text: string): string {
  try {
    parseProfile(text, 'acme.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected the profile to be rejected');
}

describe('provenance checked dates', () => {
  test('a checked date is kept with the source', () => {
    const p = parseProfile(acme('  baseUrl: { source: https://acme.example/docs, checked: 2026-11-30 }\n'), 'acme.yaml');
    expect(p.provenance.baseUrl).toEqual({ source: 'https://acme.example/docs', checked: '2026-11-30', secondary: false, unverified: false });
  });

  test('not a calendar day, another format, or in the future: refused with the field named', () => {
    expect(errorOf(acme('  baseUrl: { source: x, checked: 2026-02-30 }\n'))).toBe('acme.yaml: provenance.baseUrl.checked: must be a real calendar date');
    expect(errorOf(acme('  baseUrl: { source: x, checked: 2026-12-32 }\n'))).toBe('acme.yaml: provenance.baseUrl.checked: must be a real calendar date');
    expect(errorOf(acme('  baseUrl: { source: x, checked: 04.12.2026 }\n'))).toBe('acme.yaml: provenance.baseUrl.checked: must be a date like 2026-12-04');
    expect(errorOf(acme('  models: { source: x, checked: 2999-01-01 }\n'))).toBe('acme.yaml: provenance.models.checked: must not be in the future');
  });

  test('older than the limit: one warning naming the date, the age and the page to re-check', () => {
    const p = parseProfile(
      acme('  baseUrl: { source: https://acme.example/docs, checked: 2026-11-30 }\n  models: { source: https://acme.example/models, checked: 2026-03-01 }\n'),
      'acme.yaml',
    );
    expect(staleFactWarnings(p, 'acme.yaml', TODAY)).toEqual(['acme.yaml: provenance.models checked 2026-03-01 (278 days ago): re-check https://acme.example/models']);
    // the limit is inclusive: exactly 278 days old passes at 278, fails at 277
    expect(staleFactWarnings(p, 'acme.yaml', TODAY, 278)).toEqual([]);
    expect(staleFactWarnings(p, 'acme.yaml', TODAY, 277)).toHaveLength(1);
    expect(staleFactWarnings(p, 'acme.yaml', TODAY, 3)).toHaveLength(2);
    expect(DEFAULT_MAX_FACT_AGE_DAYS).toBe(180);
  });

  test('a fact without a date was never checked: it warns whatever the limit', () => {
    const p = parseProfile(acme('  keyUrl: { source: https://acme.example/keys-help }\n'), 'acme.yaml');
    expect(staleFactWarnings(p, 'acme.yaml', TODAY, 100000)).toEqual(['acme.yaml: provenance.keyUrl has no checked date (never checked): re-check https://acme.example/keys-help']);
  });

  test('no provenance at all: nothing to re-check', () => {
    const p = parseProfile(acme('  {}\n'), 'acme.yaml');
    expect(staleFactWarnings(p, 'acme.yaml', TODAY)).toEqual([]);
  });
});
