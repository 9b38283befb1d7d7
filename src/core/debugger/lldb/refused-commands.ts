import type { RefusedCommands } from '../live/refuse-start';

/**
 * lldb's spellings of the commands its console refuses. lldb takes any unique prefix of a command
 * word (`pro la` is `process launch`), and its aliases `r`, `run` and `attach` start a process too.
 */
export const LLDB_REFUSED: RefusedCommands = {
  starters: [
    /^(r|ru|run|at|att|atta|attac|attach)(\s|$)/,
    /^(gdb-remote|kdp-remote|process-launch)(\s|$)/,
    /^pro(c|ce|ces|cess)?\s+(l|la|lau|laun|launc|launch|a|at|att|atta|attac|attach|con|conn|conne|connec|connect)(\s|$)/,
    /^pla(t|tf|tfo|tfor|tform)?\s+(pro(c|ce|ces|cess)?\s+(l|la|lau|laun|launc|launch|a|at|att|atta|attac|attach)|sel|sele|selec|select|con|conn|conne|connec|connect)(\s|$)/,
  ],
  shells: [
    /^(she|shel|shell)(\s|$)/,
    /^(scr|scri|scrip|script)(\s|$)/,
    /^com(m|ma|man|mand)?\s+(scr|scri|scrip|script)(\s|$)/,
    /^pla(t|tf|tfo|tfor|tform)?\s+(sh|she|shel|shell)(\s|$)/,
    // A plugin is native code run inside lldb; the workbench loads the ones it trusts (llnode) itself.
    /^plu(g|gi|gin)?\s+(l|lo|loa|load)(\s|$)/,
  ],
};
