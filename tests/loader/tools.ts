// Whether the real-loader tests can run here: they build with gcc and record with strace.
import { spawnSync } from 'node:child_process';

export function haveTool(command: string, args: string[] = ['--version']): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

export const CAN_RECORD = haveTool('gcc') && haveTool('strace', ['-V']) && process.getuid?.() === 0;
