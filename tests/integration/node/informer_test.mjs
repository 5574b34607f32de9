// orchd acceptance test with a second real client: @kubernetes/client-node.
//
//   node informer_test.mjs <kubeconfig>
//
// An informer (makeInformer) on the configmaps of a fresh namespace watches while 1,000 writes
// (creates, replaces, deletes, a few re-creates of deleted names) go through the API. The
// informer talks to the server through a TCP proxy in this process (TLS passes through
// untouched); after about half of the writes every proxied connection is destroyed, so the watch
// breaks and the informer has to reconnect (re-watch from its last resourceVersion, or re-list
// when that is too old). At the end the informer's cache must equal a fresh list from the server:
// the same names, resourceVersions and data. Exit 0 with a one-line summary, non-zero with a
// message naming what differed.
import net from 'node:net';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

import * as k8s from '@kubernetes/client-node';

const TOTAL_WRITES = 1000;
const CREATES = 400;      // of which RECREATES reuse the name of a deleted configmap
const RECREATES = 20;
const DELETES = 100;
const UPDATES = TOTAL_WRITES - CREATES - DELETES;
const CUT_AT = 500;       // writes completed when the proxied connections are destroyed
const OUTAGE = 20;        // writes completed after the cut while the proxy refuses connections
const WRITERS = 8;        // writes in flight at once (ops on one name stay ordered)
const CONVERGE_MS = 60_000;
const WATCHDOG_MS = 240_000;

function log(msg) {
  process.stderr.write(`informer_test: ${msg}\n`);
}

function fail(msg) {
  process.stderr.write(`informer_test: FAIL: ${msg}\n`);
  process.exit(1);
}

// A small deterministic PRNG (mulberry32) so a failing run can be replayed.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The write plan: TOTAL_WRITES ops, each valid when ops on the same name run in order.
function plan(random) {
  const ops = [];
  const live = [];      // names that exist
  const deleted = [];   // names deleted and not re-created
  let next = 0;
  let creates = 0;
  let updates = 0;
  let deletes = 0;
  let recreates = 0;
  const pick = (arr) => arr.splice(Math.floor(random() * arr.length), 1)[0];
  while (ops.length < TOTAL_WRITES) {
    const left = {
      create: CREATES - creates,
      update: UPDATES - updates,
      delete: DELETES - deletes,
    };
    // Weighted by what is left; updates and deletes need a live name.
    const weights = [
      ['create', left.create],
      ['update', live.length > 0 ? left.update : 0],
      ['delete', live.length > 5 ? left.delete : 0],
    ];
    const sum = weights.reduce((s, [, w]) => s + w, 0);
    let r = random() * sum;
    let kind = weights.find(([, w]) => (r -= w) < 0)?.[0] ?? 'create';
    if (kind === 'create') {
      creates++;
      let name;
      if (deleted.length > 0 && recreates < RECREATES && random() < 0.5) {
        name = pick(deleted);
        recreates++;
      } else {
        name = `cm-${String(next++).padStart(4, '0')}`;
      }
      live.push(name);
      ops.push({ kind, name });
    } else if (kind === 'update') {
      updates++;
      ops.push({ kind, name: live[Math.floor(random() * live.length)] });
    } else {
      deletes++;
      const name = pick(live);
      deleted.push(name);
      ops.push({ kind, name });
    }
  }
  return { ops, creates, updates, deletes, recreates, live: live.length };
}

// A TCP proxy on 127.0.0.1 that forwards every connection to `target` byte for byte and can
// destroy every connection it carries.
class CuttingProxy {
  constructor(targetHost, targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.pairs = new Set();
    this.accepted = 0;
    this.refused = 0;
    this.refusing = false;
    this.server = net.createServer((client) => this.accept(client));
  }

  listen() {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve(this.server.address().port));
    });
  }

  accept(client) {
    if (this.refusing) {
      this.refused++;
      client.destroy();
      return;
    }
    this.accepted++;
    const upstream = net.connect(this.targetPort, this.targetHost);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  // Destroys every open connection; returns how many there were.
  cut() {
    const n = this.pairs.size;
    for (const { client, upstream } of [...this.pairs]) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
    return n;
  }

  close() {
    this.cut();
    this.server.close();
  }
}

// A KubeConfig like `kc` whose current cluster's server is `server`.
function withServer(kc, server) {
  const current = kc.getCurrentCluster();
  const copy = new k8s.KubeConfig();
  copy.loadFromOptions({
    clusters: kc.clusters.map((c) => (c.name === current.name ? { ...c, server } : c)),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.getCurrentContext(),
  });
  return copy;
}

// name -> {rv, data} of a list of configmaps, and the map compared with another one.
function snapshot(items) {
  const m = new Map();
  for (const o of items) {
    m.set(o.metadata.name, { rv: o.metadata.resourceVersion, data: o.data ?? {} });
  }
  return m;
}

function sameData(a, b) {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

// The first few differences between the cache and the server, or [] when they are equal.
function diff(cache, server) {
  const out = [];
  for (const [name, s] of server) {
    const c = cache.get(name);
    if (!c) out.push(`${name}: on the server (rv ${s.rv}), not in the cache`);
    else if (c.rv !== s.rv) out.push(`${name}: cache rv ${c.rv}, server rv ${s.rv}`);
    else if (!sameData(c.data, s.data)) {
      out.push(`${name}: rv ${s.rv}, cache data ${JSON.stringify(c.data)}, ` +
               `server data ${JSON.stringify(s.data)}`);
    }
  }
  for (const [name, c] of cache) {
    if (!server.has(name)) out.push(`${name}: in the cache (rv ${c.rv}), not on the server`);
  }
  return out;
}

function describe(err) {
  if (!err) return String(err);
  const code = err.statusCode ?? err.code;
  const body = err.body ? ` body: ${String(err.body).slice(0, 300)}` : '';
  return `${code !== undefined ? `${code} ` : ''}${err.message}${body}`;
}

async function main() {
  const kubeconfigPath = process.argv[2];
  if (!kubeconfigPath) fail('usage: node informer_test.mjs <kubeconfig>');
  const watchdog = setTimeout(() => fail(`still running after ${WATCHDOG_MS / 1000} s`),
                              WATCHDOG_MS);
  watchdog.unref();

  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const cluster = kc.getCurrentCluster();
  if (!cluster) fail(`no current cluster in ${kubeconfigPath}`);
  const target = new URL(cluster.server);
  if (target.protocol !== 'https:') fail(`expected an https server, got ${cluster.server}`);

  const proxy = new CuttingProxy(target.hostname, Number(target.port || 443));
  const proxyPort = await proxy.listen();
  // Keep the host: the serving certificate names 127.0.0.1.
  const proxied = withServer(kc, `https://${target.hostname}:${proxyPort}`);

  const api = kc.makeApiClient(k8s.CoreV1Api);
  const informerApi = proxied.makeApiClient(k8s.CoreV1Api);

  const seed = Number(process.env.INFORMER_TEST_SEED ?? Date.now() % 1_000_000);
  const namespace = `informer-${seed}`;
  await api.createNamespace({ body: { metadata: { name: namespace } } }).catch((e) =>
    fail(`POST /api/v1/namespaces (${namespace}): ${describe(e)}`));

  // The informer, its restarts and what it saw.
  const stats = { lists: 0, connects: 0, errors: 0, adds: 0, updates: 0, deletes: 0,
                  errorsAfterCut: 0, connectsAfterCut: 0 };
  let cutDone = false;
  let stopping = false;
  const path = `/api/v1/namespaces/${namespace}/configmaps`;
  const informer = k8s.makeInformer(proxied, path, () => {
    stats.lists++;
    return informerApi.listNamespacedConfigMap({ namespace });
  });
  informer.on('add', () => stats.adds++);
  informer.on('update', () => stats.updates++);
  informer.on('delete', () => stats.deletes++);
  informer.on('connect', () => {
    stats.connects++;
    if (cutDone) stats.connectsAfterCut++;
  });
  informer.on('error', (err) => {
    if (stopping) return;  // informer.stop() aborts the watch, which reports that as an error
    stats.errors++;
    if (cutDone) stats.errorsAfterCut++;
    log(`informer error (${cutDone ? 'after' : 'before'} the cut): ${describe(err)}`);
    // ListWatch stops on an error that is not 410 Gone; restart it as controllers do.
    setTimeout(() => {
      if (!stopping) informer.start().catch((e) => log(`restart: ${describe(e)}`));
    }, 200);
  });
  await informer.start();

  // The writes.
  const random = prng(seed);
  const p = plan(random);
  const lastObject = new Map();  // name -> the configmap as the server last returned it
  const chains = new Map();      // name -> promise of the last op scheduled on that name
  let completed = 0;
  let cutConnections = -1;
  let acceptedAtCut = 0;
  let cutAtWrite = -1;

  async function write(op, index) {
    const data = { index: String(index), op: op.kind, value: `v${index}-${seed}` };
    const where = `${op.kind} ${namespace}/${op.name} (write ${index})`;
    try {
      if (op.kind === 'create') {
        const body = { metadata: { name: op.name, labels: { test: 'informer' } }, data };
        lastObject.set(op.name, await api.createNamespacedConfigMap({ namespace, body }));
      } else if (op.kind === 'update') {
        const cur = lastObject.get(op.name);
        const body = { ...cur, data: { ...cur.data, ...data } };
        lastObject.set(op.name,
                       await api.replaceNamespacedConfigMap({ name: op.name, namespace, body }));
      } else {
        await api.deleteNamespacedConfigMap({ name: op.name, namespace });
        lastObject.delete(op.name);
      }
    } catch (e) {
      fail(`${where}: ${describe(e)}`);
    }
    completed++;
    if (completed === CUT_AT) {
      // The watch breaks, and stays broken while OUTAGE more writes happen: the informer must
      // catch up on what it missed.
      proxy.refusing = true;
      cutConnections = proxy.cut();
      acceptedAtCut = proxy.accepted;
      cutAtWrite = completed;
      cutDone = true;
      log(`cut ${cutConnections} proxied connection(s) after ${completed} writes`);
    } else if (completed === CUT_AT + OUTAGE) {
      proxy.refusing = false;
      log(`the proxy accepts connections again after ${completed} writes ` +
          `(refused ${proxy.refused})`);
    }
  }

  const t0 = Date.now();
  let nextOp = 0;
  async function writer() {
    while (nextOp < p.ops.length) {
      const index = nextOp++;
      const op = p.ops[index];
      const before = chains.get(op.name) ?? Promise.resolve();
      const mine = before.then(() => write(op, index));
      chains.set(op.name, mine);
      await mine;
    }
  }
  await Promise.all(Array.from({ length: WRITERS }, writer));
  const writeMs = Date.now() - t0;

  // Wait for the cache to equal the server's state.
  let last = [];
  let server = new Map();
  const deadline = Date.now() + CONVERGE_MS;
  for (;;) {
    let list;
    try {
      list = await api.listNamespacedConfigMap({ namespace });
    } catch (e) {
      fail(`GET ${path}: ${describe(e)}`);
    }
    server = snapshot(list.items);
    last = diff(snapshot(informer.list(namespace)), server);
    if (last.length === 0) break;
    if (Date.now() > deadline) break;
    await sleep(200);
  }
  const convergeMs = Date.now() - t0 - writeMs;

  stopping = true;
  await informer.stop();
  proxy.close();

  const summary =
      `${completed} writes (${p.creates} creates of which ${p.recreates} re-creates, ` +
      `${p.updates} updates, ${p.deletes} deletes) in ${writeMs} ms; ` +
      `cut ${cutConnections} proxied connection(s) at write ${cutAtWrite}, ` +
      `refused ${proxy.refused} during the next ${OUTAGE} writes; ` +
      `informer: ${stats.lists} list(s), ${stats.connects} connect(s) ` +
      `(${stats.connectsAfterCut} after the cut), ${stats.errors} error(s) ` +
      `(${stats.errorsAfterCut} after the cut), ${stats.adds} adds, ${stats.updates} updates, ` +
      `${stats.deletes} deletes; proxy accepted ${proxy.accepted} connection(s) ` +
      `(${proxy.accepted - acceptedAtCut} after the cut)`;

  const problems = [];
  if (completed !== TOTAL_WRITES) problems.push(`only ${completed} writes completed`);
  if (server.size !== p.live) {
    problems.push(`the server has ${server.size} configmaps, the plan leaves ${p.live}`);
  }
  if (last.length > 0) {
    problems.push(`the cache differs from the server after ${CONVERGE_MS / 1000} s ` +
                  `(${last.length} difference(s)): ${last.slice(0, 10).join('; ')}`);
  }
  if (cutConnections < 1) problems.push('the cut destroyed no proxied connection');
  if (stats.errorsAfterCut + stats.connectsAfterCut < 1) {
    problems.push('the informer neither failed nor reconnected after the cut');
  }
  if (proxy.accepted - acceptedAtCut < 1) {
    problems.push('the informer opened no new connection through the proxy after the cut');
  }
  if (problems.length > 0) fail(`${problems.join('\n  ')}\n  (${summary}; seed ${seed})`);

  // Best effort: the namespace goes away with the test's server anyway.
  await api.deleteNamespace({ name: namespace }).catch(() => {});
  console.log(`informer_test: OK: cache == server (${server.size} configmaps, converged ` +
              `${convergeMs} ms after the last write); ${summary}; seed ${seed}`);
  process.exit(0);
}

main().catch((e) => fail(`unexpected: ${e?.stack ?? describe(e)}`));
