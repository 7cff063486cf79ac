/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and sums self time per function and per package,
 * to say where a server process spends its time without opening a profiler UI.
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

/** Where a script belongs: a package under node_modules, node's own code, or the project's source. */
function area(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith('node:') || url === '') return url === '' ? '(native / gc / idle)' : 'node core';
  const local = /\/(src|bench|bin)\/(.+)$/.exec(url);
  return local ? `${local[1]}/${local[2]}` : url;
}

function top(map: Map<string, number>, total: number, count: number): SelfTime[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: total > 0 ? us / total : 0 }));
}

/** The functions and the packages with the most self time in the profile. */
export function summarizeProfile(
  file: string,
  count = 15,
): { totalMs: number; functions: SelfTime[]; areas: SelfTime[] } {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') return;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${area(url)}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
    areas.set(area(url), (areas.get(area(url)) ?? 0) + us);
  });
  return {
    totalMs: Math.round(total / 1000),
    functions: top(functions, total, count),
    areas: top(areas, total, count),
  };
}

export function formatProfile(name: string, summary: ReturnType<typeof summarizeProfile>): string {
  const line = (t: SelfTime) =>
    `    ${(t.share * 100).toFixed(1).padStart(5)}%  ${String(t.ms).padStart(6)} ms  ${t.name}`;
  return [
    `CPU profile ${name}: ${summary.totalMs} ms busy (idle excluded)`,
    '  by package / file:',
    ...summary.areas.map(line),
    '  top functions by self time:',
    ...summary.functions.map(line),
  ].join('\n');
}

/**
 * The main-thread profiles under `dir` (one folder per process): node names them
 * `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`, thread 0 being the main one.
 */
export function mainThreadProfiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /(^|\/)CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}
