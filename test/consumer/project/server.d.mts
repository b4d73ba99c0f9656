export function startServer(options?: { lostCreate?: boolean }): Promise<{ url: string; reset(): void; stop(): Promise<void> }>;
