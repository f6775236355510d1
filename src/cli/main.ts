#!/usr/bin/env node
/** speechgate's command line: one binary, a subcommand each; modules load lazily so `phonemize` stays light. */

const COMMANDS: Record<string, { summary: string; run: (argv: string[]) => Promise<void> }> = {
  serve: {
    summary: 'start the gateway (configuration from environment variables; serve --help lists them)',
    run: async (argv) => (await import('./serve.js')).serveCommand(argv),
  },
  synth: {
    summary: 'synthesise text to a WAV file without a server: synth --text "..." --out a.wav',
    run: async (argv) => (await import('./synth.js')).synthCommand(argv),
  },
  say: {
    summary: 'speak text or stdin through a running gateway into .ogg/.wav: say "Hi." -o hi.ogg',
    run: async (argv) => (await import('./say.js')).sayCommand(argv),
  },
  phonemize: {
    summary: 'text lines on stdin -> JSON lines of words, phonemes and model ids',
    run: async (argv) => (await import('./phonemize.js')).phonemizeCommand(argv),
  },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: speechgate <command> [options]\n\ncommands:\n${rows.join('\n')}\n\nRun "speechgate <command> --help" for a command's options.`;
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`speechgate: unknown command "${name}"\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  await command.run(rest);
}

main().catch((err: unknown) => {
  console.error(`speechgate: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
