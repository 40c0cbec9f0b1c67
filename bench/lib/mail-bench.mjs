import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

// Mail figures come from the mail package's own benchmark (`npm run bench -w
// @conduit-chat/mail`, owned by the mail engineer); this runs it, bounded, and picks out the
// transcripts per second it prints.

/** Bound on the mail bench. */
export const MAIL_TIMEOUT_MS = 120_000;

const MAIL_PACKAGE = new URL('../../packages/mail/package.json', import.meta.url);
const ROOT = new URL('../..', import.meta.url);

/** Runs the mail bench, or returns null when the package has no `bench` script yet. */
export async function mailBench() {
  const pkg = JSON.parse(readFileSync(MAIL_PACKAGE, 'utf8'));
  if (!pkg.scripts?.bench) return null;
  const out = await new Promise((resolve) => {
    // its own process group, so that whatever it leaves behind can be ended with it
    const child = spawn('npm', ['run', '--silent', 'bench', '-w', '@conduit-chat/mail'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const endGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    };
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
    });
    child.stderr.on('data', (d) => {
      text += d;
    });
    const t = setTimeout(endGroup, MAIL_TIMEOUT_MS);
    // 'exit', not 'close': a straggler holding the pipes open must not hold the harness
    child.on('exit', (code) => {
      clearTimeout(t);
      setTimeout(() => {
        endGroup();
        resolve({ code, text });
      }, 200);
    });
  });
  const lines = out.text.split('\n').filter((l) => l.trim() !== '');
  const m =
    /([\d.,]+)\s*transcripts?\s*\/\s*s/i.exec(out.text) ??
    /"?transcriptsPerSec(?:ond)?"?\s*[:=]\s*([\d.]+)/i.exec(out.text);
  return {
    ok: out.code === 0,
    transcriptsPerSec: m ? Number(String(m[1]).replace(/,/g, '')) : Number.NaN,
    output: lines.slice(-15),
  };
}
