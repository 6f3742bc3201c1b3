// Starts and stops the linghuo binary for the browser tests and adds users
// with its CLI.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createWriteStream, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The environment for linghuo: ours minus every LINGHUO_* setting, so a
 * developer's own configuration (a database URL, say) never leaks into the
 * test server; the data directory flag is the only configuration.
 */
function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('LINGHUO_')) env[k] = v;
  return { ...env, ...extra };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Runs `linghuo user add … --json` and returns the parsed JSON. The test rig creates staff at
 * the console with `--break-glass` (audited); the two-person way is tested in Rust.
 */
export function addUser(bin, dataDir, { username, name, role, scope, permissions = [] }) {
  const args = ['user', 'add', '--data-dir', dataDir, '--username', username, '--name', name, '--role', role, '--break-glass'];
  if (scope) args.push('--scope', scope);
  for (const p of permissions) args.push('--permission', p);
  args.push('--json');
  let stdout;
  try {
    stdout = execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, env: cleanEnv() });
  } catch (e) {
    throw new Error(`${bin} ${args.join(' ')} failed (status ${e.status}):\n${e.stderr || ''}${e.stdout || ''}`);
  }
  let out;
  try {
    out = JSON.parse(stdout);
  } catch {
    throw new Error(`user add did not print JSON on stdout:\n${stdout}`);
  }
  for (const key of ['user', 'one_time_password']) {
    if (!(key in out)) throw new Error(`user add JSON has no "${key}": ${stdout}`);
  }
  if (!out.totp_secret && !out.otpauth_uri) throw new Error(`user add JSON has neither totp_secret nor otpauth_uri: ${stdout}`);
  return out;
}

/** Starts `linghuo serve` and waits until GET /healthz answers 200. */
export async function startServer(bin, dataDir, logPath, { timeoutMs = 90_000 } = {}) {
  const port = await freePort();
  return launch(bin, ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`], port, logPath, { timeoutMs, what: 'linghuo serve' });
}

/**
 * Starts `linghuo demo` (a synthetic province in demonstration mode) in its
 * own data directory, writing the demo logins to `loginsPath`, and waits
 * until GET /healthz answers 200. The logins are read back as `logins`: an
 * array of { role, role_label, username, password, totp_secret, scope }.
 */
export async function startDemo(bin, dataDir, logPath, { workers = 1500, jobs = 500, seed, loginsPath, timeoutMs = 300_000 } = {}) {
  const port = await freePort();
  const args = ['demo', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`,
    '--workers', String(workers), '--jobs', String(jobs), '--logins-json', loginsPath];
  if (seed !== undefined) args.push('--seed', String(seed));
  const server = await launch(bin, args, port, logPath, { timeoutMs, what: 'linghuo demo' });
  try {
    server.logins = JSON.parse(readFileSync(loginsPath, 'utf8'));
  } catch (e) {
    await server.stop();
    throw new Error(`could not read the demo logins from ${loginsPath}: ${e.message}`);
  }
  return server;
}

/** Runs the binary on a port and waits until GET /healthz answers 200. */
async function launch(bin, args, port, logPath, { timeoutMs, what }) {
  const base = `http://127.0.0.1:${port}`;
  const log = createWriteStream(logPath);
  const child = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cleanEnv({ RUST_LOG: process.env.RUST_LOG || 'info' }),
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const tail = () => { try { return readFileSync(logPath, 'utf8').slice(-4000); } catch { return ''; } };
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${what} exited early (${JSON.stringify(exited)}); log:\n${tail()}`);
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) {
        return {
          base,
          port,
          child,
          logTail: tail,
          async stop() {
            if (exited) return;
            child.kill('SIGTERM');
            for (let i = 0; i < 50 && !exited; i++) await sleep(100);
            if (!exited) child.kill('SIGKILL');
            log.end();
          },
        };
      }
      lastError = `status ${res.status}`;
    } catch (e) {
      lastError = e.message;
    }
    await sleep(250);
  }
  child.kill('SIGKILL');
  throw new Error(`GET ${base}/healthz did not answer 200 within ${timeoutMs} ms (last: ${lastError}); log:\n${tail()}`);
}
