// node:child_process, loaded when first used: only --doctor starts programs, and loading it at
// start-up (with the net and dgram modules it pulls in) costs every configure run ~3 ms. Not
// import(): the program also runs through vm.runInThisContext (install.cmd), which has none.
import type * as ChildProcess from 'node:child_process';

export function childProcess(): typeof ChildProcess {
  if (typeof process.getBuiltinModule === 'function') return process.getBuiltinModule('node:child_process');
  return require('node:child_process') as typeof ChildProcess;
}
