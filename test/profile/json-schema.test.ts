// The shipped JSON Schema (profiles/profile.schema.json), checked with an independent validator
// (ajv): it accepts every built-in profile and a file that only extends one, and refuses mistakes
// an editor should flag while typing.
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { repoPath } from '../../src/paths.js';

const schema = JSON.parse(readFileSync(repoPath('profiles', 'profile.schema.json'), 'utf8'));
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv); // the schema's "uri" fields are checked too
const validate = ajv.compile(schema);
const yamlOf = (...parts: string[]) => parse(readFileSync(repoPath(...parts), 'utf8'));

describe('profile.schema.json', () => {
  test('accepts every built-in profile and the company fixture (extends)', () => {
    const files = readdirSync(repoPath('profiles')).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBe(11);
    for (const f of files) expect(validate(yamlOf('profiles', f)), `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
    expect(validate(yamlOf('test', 'fixtures', 'profiles', 'company.yaml')), JSON.stringify(validate.errors)).toBe(true);
  });

  test('refuses a missing endpoint, an unknown field, a bad region and an incomplete mapping', () => {
    const zhipu = yamlOf('profiles', 'zhipu.yaml');
    const { baseUrl: _omit, ...noBase } = zhipu;
    expect(validate(noBase)).toBe(false);
    expect(validate({ ...zhipu, colour: 'blue' })).toBe(false);
    expect(validate({ ...zhipu, region: 'eu' })).toBe(false);
    expect(validate({ ...zhipu, models: { opus: 'a', sonnet: 'b' } })).toBe(false);
    expect(validate({ extends: 'zhipu' })).toBe(false); // its own id is required
    expect(validate({ ...zhipu, keyUrl: 'not a url' })).toBe(false);
  });
});
