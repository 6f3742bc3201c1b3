// Runs axe-core inside a page. The site's CSP forbids inline scripts, so the
// axe source is evaluated through the DevTools protocol (page.evaluate), which
// CSP does not govern, instead of being added as a <script> element.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe on the current page; returns all violations (id, impact, help, nodes). */
export async function runAxe(page) {
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      count: v.nodes.length,
    }));
  });
}

/** Only the violations that block: serious and critical. */
export function blocking(violations) {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A readable report of violations, one block per rule. */
export function describeViolations(violations) {
  return violations
    .map((v) => `  [${v.impact}] ${v.id}: ${v.help} (${v.count} node(s))\n` +
      v.nodes.map((n) => `      at ${n.target}\n        ${String(n.summary || '').replace(/\n/g, '\n        ')}`).join('\n'))
    .join('\n');
}
