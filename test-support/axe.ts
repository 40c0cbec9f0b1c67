import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const AXE = fileURLToPath(new URL('../node_modules/axe-core/axe.min.js', import.meta.url));

interface AxeResult {
  violations: { id: string; nodes: unknown[] }[];
  passes: { nodes: { target: unknown[] }[] }[];
}

/**
 * axe-core's violations on the page as `id (count)`, plus a marker when axe never looked inside
 * a shadow root (the widget lives in one: a run that skipped it would pass vacuously).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await (
      window as unknown as { axe: { run: (c: unknown) => Promise<AxeResult> } }
    ).axe.run(document);
    // A target inside a shadow root is an array: [host selector, inner selector].
    const inShadow = r.passes.some((p) => p.nodes.some((n) => Array.isArray(n.target[0])));
    return [
      ...r.violations.map((v) => `${v.id} (${v.nodes.length})`),
      ...(inShadow ? [] : ['shadow root not checked']),
    ];
  });
}
