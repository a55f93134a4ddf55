// Where a profile's users are: the default Node.js mirror and npm registry follow from it, so users
// in mainland China do not start with a slow or blocked download. CCENV_NODE_MIRROR and
// CCENV_NPM_REGISTRY still win at install time; a profile's own node.mirror / npmRegistry win here.

export const REGIONS = ['cn', 'global'] as const;
export type Region = (typeof REGIONS)[number];

export interface RegionDefaults {
  nodeMirror: string;
  /** undefined: npm's own default registry. */
  npmRegistry: string | undefined;
  description: string;
}

/** The official Node.js downloads and npm's own default registry (what an unset npmRegistry means). */
export const NODEJS_DIST = 'https://nodejs.org/dist';
export const NPMJS_REGISTRY = 'https://registry.npmjs.org';

export const REGION_DEFAULTS: Record<Region, RegionDefaults> = {
  // npmmirror (Alibaba) mirrors nodejs.org/dist with the same layout, SHASUMS256.txt included.
  cn: { nodeMirror: 'https://npmmirror.com/mirrors/node', npmRegistry: 'https://registry.npmmirror.com', description: 'mainland China (npmmirror.com)' },
  global: { nodeMirror: NODEJS_DIST, npmRegistry: undefined, description: 'everywhere else (nodejs.org, registry.npmjs.org)' },
};
