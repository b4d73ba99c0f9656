export function startServer(): Promise<{ url: string; reset(): void; stop(): Promise<void> }>;
