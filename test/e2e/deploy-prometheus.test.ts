/**
 * deploy/prometheus and deploy/grafana against the code: Debian's promtool checks the rules and runs their
 * unit tests (and a broken copy of the rules must fail them), and every metric the rules and the dashboard
 * query is one the gateway exports, while every gateway metric has a dashboard panel.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fromRoot } from '../../src/util/paths.js';
import { exportedMetrics, referencedMetrics } from '../helpers/metric-names.js';

const RULES_DIR = fromRoot('deploy', 'prometheus');
const RULES = join(RULES_DIR, 'speechgate.rules.yml');
const DASHBOARD = fromRoot('deploy', 'grafana', 'speechgate.json');
const scratch = mkdtempSync(join(tmpdir(), 'speechgate-rules-'));

function promtool(args: string[], cwd: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool not found (apt-get install prometheus): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

after(() => rmSync(scratch, { recursive: true, force: true }));

void describe('Prometheus rules (promtool)', () => {
  void test('promtool check rules accepts the rules file', () => {
    const r = promtool(['check', 'rules', RULES], RULES_DIR);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /SUCCESS: \d+ rules found/);
  });

  void test('promtool test rules passes the rule unit tests', () => {
    const r = promtool(['test', 'rules', 'speechgate.rules.test.yml'], RULES_DIR);
    assert.equal(r.status, 0, r.output);
  });

  void test('the unit tests catch a broken SLO threshold and a broken error ratio', () => {
    for (const [from, to] of [
      [
        'speechgate:time_to_first_audio_seconds:p95_5m > 0.15',
        'speechgate:time_to_first_audio_seconds:p95_5m > 0.5',
      ],
      ['code=~"internal|synthesis_failed|device_unavailable"}[5m]))\n', 'code=~"internal"}[5m]))\n'],
    ]) {
      const dir = mkdtempSync(join(scratch, 'broken-'));
      cpSync(RULES_DIR, dir, { recursive: true });
      const text = readFileSync(RULES, 'utf8');
      assert.ok(text.includes(from!), `the rules contain ${from}`);
      writeFileSync(join(dir, 'speechgate.rules.yml'), text.replace(from!, to!));
      const r = promtool(['test', 'rules', 'speechgate.rules.test.yml'], dir);
      assert.notEqual(r.status, 0, `a broken rule (${to}) must fail the tests`);
      assert.match(r.output, /FAILED/);
    }
  });

  void test('every metric the rules use is exported by the gateway', async () => {
    const { series } = await exportedMetrics();
    const used = referencedMetrics(readFileSync(RULES, 'utf8'));
    assert.ok(used.size >= 8);
    for (const name of used) assert.ok(series.has(name), `${name} (rules) is not exported by src/metrics`);
  });
});

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}

void describe('Grafana dashboard', () => {
  void test('is valid JSON whose queries use exported metrics and cover every gateway metric', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { uid: string; panels: Panel[] };
    assert.equal(dashboard.uid, 'speechgate-gateway');
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    assert.ok(exprs.length >= 15);
    const { series, gatewayFamilies } = await exportedMetrics();
    const used = new Set(exprs.flatMap((e) => [...referencedMetrics(e)]));
    for (const name of used)
      assert.ok(series.has(name), `${name} (dashboard) is not exported by src/metrics`);
    const usedFamilies = new Set([...used].map((n) => n.replace(/_(bucket|count|sum)$/, '')));
    const missing = gatewayFamilies.filter((f) => !usedFamilies.has(f));
    assert.deepEqual(missing, [], 'every speechgate_ metric has a panel');
  });
});
