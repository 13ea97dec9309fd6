// Declarations of bin/proc.mjs for the TypeScript files that import it (test/support/alive.ts, test/suiteHygieneProc).
export declare const procfs: boolean;
export interface ProcStat { comm: string; state: string; ppid: number; pgrp: number; startTime: string }
export declare function parseStat(text: string): ProcStat | undefined;
export declare function stat(pid: number): ProcStat | undefined;
export declare function alive(pid: number): boolean;
export declare function startTime(pid: number): string;
export declare function stillRuns(pid: number, start: string): boolean;
export declare function processIds(): number[] | undefined;
export declare function groupRunning(pgrp: number): string[] | undefined;
export declare function workingIn(dir: string): { pid: number; cmd: string }[] | undefined;
export declare function someoneWorksIn(dir: string): boolean;
export declare function killWorkingIn(dir: string): string[];
