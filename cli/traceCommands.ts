export async function showCommand(_: string[]): Promise<number> { return 2; }
export async function replayCommand(_: string[]): Promise<number> { return 2; }
