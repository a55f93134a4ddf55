// `extends`: a profile's values laid over the profile it names, before validation.
export type ProfileData = Record<string, unknown>;

/** Facts whose provenance goes with the value: an overridden value drops the inherited source. */
const FACTS_WITH_PROVENANCE = ['baseUrl', 'keyUrl', 'env', 'models'];

function isMapping(v: unknown): v is ProfileData {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Mappings merge key by key; lists and plain values replace; `null` removes what the base set
 * (e.g. `models: null` drops the base's mapping, `env: { FOO: null }` one variable).
 */
function deepMerge(base: ProfileData, over: ProfileData): ProfileData {
  const out: ProfileData = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null) delete out[key];
    else if (isMapping(value) && isMapping(out[key])) out[key] = deepMerge(out[key], value);
    else out[key] = value;
  }
  return out;
}

export function mergeProfileData(base: ProfileData, own: ProfileData): ProfileData {
  const merged = deepMerge(base, own);
  const ownProvenance = isMapping(own['provenance']) ? own['provenance'] : {};
  if (isMapping(merged['provenance'])) {
    const provenance = { ...merged['provenance'] };
    for (const fact of FACTS_WITH_PROVENANCE) {
      if (fact in own && !(fact in ownProvenance)) delete provenance[fact];
    }
    merged['provenance'] = provenance;
  }
  return merged;
}
