/**
 * deploy/kubernetes rendered with `kubectl kustomize` (no cluster needed) and checked against the code:
 * objects present, probes on the gateway's health routes, the drain timing, env names known to
 * src/config/variables.ts, the HPA's metric wired through prometheus-adapter to a real metric, Redis and
 * GPU overlays, and the PrometheusRule equal to deploy/prometheus's rules. Skipped only without kubectl.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { VARIABLES } from '../../src/config/variables.js';
import { fromRoot } from '../../src/util/paths.js';
import { exportedMetrics } from '../helpers/metric-names.js';

/** serve.ts gives a drain this long beyond the grace period before it exits on its own. */
const SHUTDOWN_SLACK_MS = 5000;

/** The parts of the rendered objects this test reads. */
interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
}
interface Probe {
  httpGet: { path: string; port: string };
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Container {
  ports: { name: string; containerPort: number }[];
  env: EnvVar[];
  livenessProbe: Probe;
  readinessProbe: Probe;
  startupProbe: Probe;
  lifecycle: { preStop: { exec: { command: string[] } } };
  resources: { limits: Record<string, string> };
}
interface Deployment extends Obj {
  spec: {
    selector: { matchLabels: Record<string, string> };
    strategy: { rollingUpdate: { maxUnavailable: number } };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        terminationGracePeriodSeconds: number;
        nodeSelector?: Record<string, string>;
        containers: Container[];
      };
    };
  };
}
interface Service extends Obj {
  spec: { selector: Record<string, string>; ports: { targetPort: string }[] };
}
interface Pdb extends Obj {
  spec: { maxUnavailable: number; selector: { matchLabels: Record<string, string> } };
}
interface HpaMetric {
  type: string;
  pods?: { metric: { name: string } };
  resource?: { name: string };
}
interface Hpa extends Obj {
  spec: { scaleTargetRef: object; minReplicas: number; metrics: HpaMetric[] };
}
interface AdapterConfig {
  rules: {
    seriesQuery: string;
    name: { matches: string; as: string };
    resources: { overrides: Record<string, unknown> };
  }[];
}

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const skip = kubectl.error
  ? 'kubectl is not installed (apt-get install kubernetes-client): manifests not rendered'
  : false;

function render(dir: string): Obj[] {
  const r = spawnSync('kubectl', ['kustomize', fromRoot('deploy', 'kubernetes', dir)], { encoding: 'utf8' });
  assert.equal(r.status, 0, `kubectl kustomize ${dir}: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJSON() as Obj);
}

function find<T extends Obj = Obj>(objs: Obj[], kind: string, name?: string): T {
  const found = objs.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  assert.ok(found, `${kind} ${name ?? ''} rendered`);
  return found as T;
}

const deployment = (objs: Obj[]): Deployment => find<Deployment>(objs, 'Deployment', 'speechgate');
const container = (objs: Obj[]): Container => deployment(objs).spec.template.spec.containers[0]!;
const configData = (objs: Obj[]): Record<string, string> =>
  objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('speechgate-config'))!.data!;
function envVar(c: Container, name: string): EnvVar {
  const found = c.env.find((e) => e.name === name);
  assert.ok(found, `${name} is set`);
  return found;
}

/** Every path the gateway's HTTP code registers (app.get('/x', ...)). */
function serverRoutes(): Set<string> {
  const dir = fromRoot('src', 'server');
  const source = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  return new Set([...source.matchAll(/\.(?:get|any|post)\(\s*'([^']+)'/g)].map((m) => m[1]!));
}

const summary = (objs: Obj[]): string => objs.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');

void describe('Kubernetes manifests (kubectl kustomize)', { skip }, () => {
  void test('base: Deployment, Service, PDB, HPA, config; probes on real routes; drain fits the grace period', () => {
    const objs = render('base');
    console.log(`base: ${summary(objs)}`);
    const deploy = deployment(objs);
    const pod = deploy.spec.template.spec;
    const c = container(objs);
    const routes = serverRoutes();
    assert.equal(c.livenessProbe.httpGet.path, '/healthz');
    assert.equal(c.startupProbe.httpGet.path, '/healthz');
    assert.equal(c.readinessProbe.httpGet.path, '/readyz');
    for (const p of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
      assert.ok(routes.has(p.httpGet.path), `${p.httpGet.path} is served by src/server`);
      assert.equal(p.httpGet.port, 'http');
    }
    assert.equal(c.ports[0]!.name, 'http');
    const config = configData(objs);
    assert.equal(Number(config.PORT), c.ports[0]!.containerPort);
    const graceMs = Number(config.SPEECHGATE_SHUTDOWN_GRACE_MS);
    const preStopS = Number(c.lifecycle.preStop.exec.command[1]);
    assert.deepEqual(c.lifecycle.preStop.exec.command.slice(0, 1), ['sleep']);
    assert.ok(
      pod.terminationGracePeriodSeconds * 1000 >= preStopS * 1000 + graceMs + SHUTDOWN_SLACK_MS,
      `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} covers preStop ${preStopS} s + grace ${graceMs} ms + slack`,
    );
    assert.equal(deploy.spec.strategy.rollingUpdate.maxUnavailable, 0);

    const service = find<Service>(objs, 'Service', 'speechgate');
    assert.deepEqual(service.spec.selector, { 'app.kubernetes.io/name': 'speechgate' });
    assert.equal(deploy.spec.template.metadata.labels['app.kubernetes.io/name'], 'speechgate');
    assert.equal(service.spec.ports[0]!.targetPort, 'http');
    const pdb = find<Pdb>(objs, 'PodDisruptionBudget', 'speechgate');
    assert.equal(pdb.spec.maxUnavailable, 1);
    assert.deepEqual(pdb.spec.selector.matchLabels, deploy.spec.selector.matchLabels);

    const known = new Set(VARIABLES.map((v) => v.name));
    const envNames = [...Object.keys(config), ...c.env.map((e) => e.name)];
    for (const name of envNames)
      assert.ok(known.has(name), `${name} is a variable of src/config/variables.ts`);
    const jwt = envVar(c, 'SPEECHGATE_JWT_SECRET');
    assert.deepEqual(jwt.valueFrom?.secretKeyRef, { name: 'speechgate-secrets', key: 'jwt-secret' });
    assert.equal(envVar(c, 'REDIS_URL').valueFrom?.secretKeyRef?.optional, true, 'Redis is optional');
    assert.equal(config.NODE_ENV, 'production');
  });

  void test('HPA scales on streams through prometheus-adapter, with CPU as fallback', async () => {
    const hpa = find<Hpa>(render('base'), 'HorizontalPodAutoscaler', 'speechgate');
    assert.deepEqual(hpa.spec.scaleTargetRef, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'speechgate',
    });
    const pods = hpa.spec.metrics.find((m) => m.type === 'Pods')?.pods;
    const cpu = hpa.spec.metrics.find((m) => m.type === 'Resource')?.resource;
    assert.ok(pods && cpu);
    assert.equal(cpu.name, 'cpu');
    assert.ok(hpa.spec.minReplicas >= 2, 'two replicas at least, for the PDB');
    const monitoring = render('monitoring');
    console.log(`monitoring: ${summary(monitoring)}`);
    const adapterText = find(monitoring, 'ConfigMap', 'prometheus-adapter-speechgate').data!['config.yaml']!;
    const rule = (parse(adapterText) as AdapterConfig).rules[0]!;
    assert.equal(rule.name.as, pods.metric.name, 'the HPA asks for the name the adapter exposes');
    const series = /^(\w+)\{/.exec(rule.seriesQuery)![1]!;
    assert.ok(new RegExp(rule.name.matches).test(series));
    const { series: exported } = await exportedMetrics();
    assert.ok(exported.has(series), `${series} is exported by src/metrics`);
    assert.deepEqual(Object.keys(rule.resources.overrides).sort(), ['namespace', 'pod']);
  });

  void test('monitoring: the PrometheusRule holds exactly deploy/prometheus rules; ServiceMonitor scrapes /metrics', () => {
    const objs = render('monitoring');
    const rule = find<Obj & { spec: unknown }>(objs, 'PrometheusRule', 'speechgate');
    const rules = parse(
      readFileSync(fromRoot('deploy', 'prometheus', 'speechgate.rules.yml'), 'utf8'),
    ) as unknown;
    assert.deepEqual(rule.spec, rules);
    const monitor = find<Obj & { spec: { endpoints: object[] } }>(objs, 'ServiceMonitor', 'speechgate');
    assert.deepEqual(monitor.spec.endpoints[0], { port: 'http', path: '/metrics', interval: '15s' });
    assert.ok(serverRoutes().has('/metrics'));
  });

  void test('redis overlay: in-cluster Redis, REDIS_URL from the generated Secret', () => {
    const objs = render('overlays/redis');
    console.log(`overlays/redis: ${summary(objs)}`);
    const secret = objs.find((o) => o.kind === 'Secret')!;
    const ref = envVar(container(objs), 'REDIS_URL').valueFrom?.secretKeyRef;
    assert.ok(ref);
    assert.equal(ref.name, secret.metadata.name, 'the (hash-suffixed) Secret name is referenced');
    const url = new URL(Buffer.from(secret.data![ref.key]!, 'base64').toString('utf8'));
    find(objs, 'Service', url.hostname);
    find(objs, 'Deployment', 'speechgate-redis');
    assert.ok(objs.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'speechgate'));
  });

  void test('gpu overlay: nvidia.com/gpu request, GPU node selector, WebGPU device', () => {
    const objs = render('overlays/gpu');
    console.log(`overlays/gpu: ${summary(objs)}`);
    const c = container(objs);
    assert.equal(c.resources.limits['nvidia.com/gpu'], '1');
    const pod = deployment(objs).spec.template.spec;
    assert.equal(pod.nodeSelector?.['nvidia.com/gpu.present'], 'true');
    assert.equal(configData(objs).SPEECHGATE_DEVICE, 'webgpu');
    assert.match(VARIABLES.find((v) => v.name === 'SPEECHGATE_DEVICE')!.help, /webgpu/);
    assert.ok(c.livenessProbe && c.readinessProbe, 'the base probes survive the patch');
    assert.equal(envVar(c, 'SPEECHGATE_JWT_SECRET').valueFrom?.secretKeyRef?.key, 'jwt-secret');
  });
});
