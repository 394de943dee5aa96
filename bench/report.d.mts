export function summarize(samples: number[]): { median: number; min: number; max: number; count: number };
export function machine(): string;
export function writeGenerated(name: string, markdown: string): Promise<void>;
