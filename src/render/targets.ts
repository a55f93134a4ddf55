// The installer targets: file name, template, comment syntax, line ends and how users run it.
import { asciiCommentText, cmdCommentText } from './escape.js';

export type TargetId = 'sh' | 'ps1' | 'cmd';

export interface Target {
  id: TargetId;
  file: string;
  template: string;
  /** First line ('' for none). */
  shebang: string;
  commentPrefix: string;
  /** One header line as comment text (ps1 and cmd: pure ASCII, non-ASCII written as \uXXXX). */
  commentText: (line: string) => string;
  /** cmd.exe wants CRLF. */
  lineEnding: '\n' | '\r\n';

  runLines: (url: string) => string[];
  /** The command users paste to run the script at `url`. */
  oneLiner: (url: string) => string;
}

export const TARGETS: Record<TargetId, Target> = {
  sh: {
    id: 'sh',
    file: 'install.sh',
    template: 'install.sh.hbs',
    shebang: '#!/bin/sh',
    commentPrefix: '#',
    commentText: (line) => line,
    lineEnding: '\n',
    oneLiner: (url) => `curl -fsSL ${url} | sh`,
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
    commentText: asciiCommentText,
    lineEnding: '\n',
    oneLiner: (url) => `irm ${url} | iex`,
    runLines: (url) => [
      `Run:   irm ${url} | iex`,
      `Flags: & ([scriptblock]::Create((irm ${url}))) -Yes   (see -Help)`,
    ],
  },
  cmd: {
    id: 'cmd',
    file: 'install.cmd',
    template: 'install.cmd.hbs',
    // Before the header: with echo on, cmd would print every rem line.
    shebang: '@echo off',
    commentPrefix: 'rem',
    commentText: cmdCommentText,
    lineEnding: '\r\n',
    // curl.exe, not curl: pasted into Windows PowerShell, curl is Invoke-WebRequest (and 5.1 cannot parse &&).
    oneLiner: (url) => `curl.exe -fsSL ${url} -o install.cmd && install.cmd`,
    runLines: (url) => [
      `Run:   curl.exe -fsSL ${url} -o install.cmd && install.cmd   (in cmd.exe)`,
      `Flags: install.cmd --yes   (see --help)`,
    ],
  },
};

export const TARGET_IDS = Object.keys(TARGETS) as TargetId[];
