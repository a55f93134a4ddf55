// The installer targets: file name, template, comment syntax and how users run it.
export type TargetId = 'sh' | 'ps1';

export interface Target {
  id: TargetId;
  file: string;
  template: string;
  /** First line ('' for none). */
  shebang: string;
  commentPrefix: string;
  /** The header must be pure ASCII too (non-ASCII written as \uXXXX). */
  asciiOnly: boolean;

  runLines: (url: string) => string[];
}

export const TARGETS: Record<TargetId, Target> = {
  sh: {
    id: 'sh',
    file: 'install.sh',
    template: 'install.sh.hbs',
    shebang: '#!/bin/sh',
    commentPrefix: '#',
    asciiOnly: false,
    runLines: (url) => [
      `Run:   curl -fsSL ${url} | sh`,
      `Flags: curl -fsSL ${url} | sh -s -- --yes   (see --help)`,
    ],
  },
  ps1: {
    id: 'ps1',
    file: 'install.ps1',
    template: 'install.ps1.hbs',
    shebang: '',
    commentPrefix: '#',
    asciiOnly: true,
    runLines: (url) => [
      `Run:   irm ${url} | iex`,
      `Flags: & ([scriptblock]::Create((irm ${url}))) -Yes   (see -Help)`,
    ],
  },
};

export const TARGET_IDS = Object.keys(TARGETS) as TargetId[];
