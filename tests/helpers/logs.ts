/** Captures what the Powertools logger writes, one parsed JSON entry per line. */
export class LogCapture {
  private readonly lines: string[] = [];
  private spies: jest.SpyInstance[] = [];

  start(): void {
    this.lines.length = 0;
    // Powertools writes INFO and DEBUG to standard output, WARN and ERROR to standard error.
    this.spies = [process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        this.lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      }),
    );
  }

  stop(): void {
    for (const spy of this.spies) spy.mockRestore();
    this.spies = [];
  }

  /** Every captured line as raw text. */
  text(): string {
    return this.lines.join('');
  }

  /** Captured JSON log entries. */
  entries(): Array<Record<string, unknown>> {
    return this.text()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
