// The installer targets: file name, template, comment syntax and how users run it.
export type TargetId = 'sh';

export interface Target {
  id: TargetId;
  file: string;
  template: string;
  shebang: string;
  commentPrefix: string;
  runLines: (url: string) => string[];
}

export const TARGETS: Record<TargetId, Target> = {
  sh: {
    id: 'sh',
    file: 'install.sh',
    template: 'install.sh.hbs',
    shebang: '#!/bin/sh',
    commentPrefix: '#',
    runLines: (url) => [
      `Run:   curl -fsSL ${url} | sh`,
      `Flags: curl -fsSL ${url} | sh -s -- --yes   (see --help)`,
    ],
  },
};

export const TARGET_IDS = Object.keys(TARGETS) as TargetId[];
