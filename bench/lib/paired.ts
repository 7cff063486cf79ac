/**
 * The floor-ratio targets, measured in alternating rounds. A row of the main table sets a service
 * case against a floor measured minutes before it, and this machine's speed drifts over minutes:
 * the SQLite floor-2 select cost 130 µs a request in one run and 83 µs in the next, half an hour
 * later, and SQLite create cost 597 and 387 µs in its 10- and 50-connection cases of one run. Here
 * floor 2, floor 3 and the service, all three started and each warmed with the operation just
 * before its rounds, take short turns with the same requests (floor 2, floor 3, the service, round
 * after round, and floor 2 once more at the end), so each service round is set against the mean
 * of the two floor-2 rounds around it. The judged ratio is the median of the rounds' ratios: a
 * steady drift is taken out by the floor rounds on either side, and one disturbed round does not
 * decide.
 */
import { BenchError, measure, warmUp, type BenchContext } from './context.js';
import type { BenchDatabase, DbKind, Seed } from './database.js';
import { startDbFloor } from './floors.js';
import type { LoadResult } from './load.js';
import type { BenchProcess } from './processes.js';
import {
  apiHeaders,
  MATCHING_FLOOR,
  RATIO_TARGETS,
  requestsFor,
  type FloorOperation,
  type Operation,
} from './scenarios.js';

/** Rounds of each server per operation. */
export const PAIRED_ROUNDS = 3;
/** The connections of the floor-ratio targets. */
export const PAIRED_CONNECTIONS = 10;

/** One operation's rounds, in the order of {@link pairedSchedule}. */
export interface PairedCase {
  operation: Operation;
  floorOperation: FloorOperation;
  connections: number;
  /** Floor 2's rounds: one before each service round, and one after the last (rounds + 1). */
  floor2: LoadResult[];
  /** Floor 3's rounds, each right after floor 2's round of the same index. */
  floor3: LoadResult[];
  service: LoadResult[];
}

export interface PairedRatios {
  /** Each service round's req/s over the mean req/s of the two floor-2 rounds around it. */
  rounds: number[];
  median: number;
  /** The same for each floor-3 round: what the framework and the log leave of floor 2. */
  framework: number[];
  frameworkMedian: number | undefined;
  /**
   * The median over rounds of floor 2's CPU per request (mean of the two rounds around) over the
   * service's: the ratio if CPU alone set both. Undefined without CPU readings.
   */
  cpuMedian: number | undefined;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Each `subject` round over the mean of the two `reference` rounds around it (`reference` holds one
 * round more: before each subject round, and one after the last). No rounds, no ratios.
 */
export function bracketedRatios(reference: readonly number[], subject: readonly number[]): number[] {
  if (reference.length !== subject.length + 1)
    throw new Error(`${reference.length} reference rounds do not bracket ${subject.length} rounds`);
  return subject.map((value, i) => value / (((reference[i] as number) + (reference[i + 1] as number)) / 2));
}

/** The ratios of an operation's rounds (see the top of this file). */
export function pairedRatios(c: PairedCase): PairedRatios {
  if (c.service.length === 0 || c.floor2.length !== c.service.length + 1 || c.floor3.length > c.service.length)
    throw new Error(
      `alternating rounds of ${c.operation}: ${c.floor2.length} floor-2, ${c.floor3.length} floor-3 and ${c.service.length} service rounds`,
    );
  const rps = (rounds: LoadResult[]) => rounds.map((r) => r.rps);
  const rounds = bracketedRatios(rps(c.floor2), rps(c.service));
  // Floor 3 may have fewer rounds than the service (none, in a run without it).
  const framework = bracketedRatios(rps(c.floor2).slice(0, c.floor3.length + 1), rps(c.floor3));
  // By CPU the floor's cost is over the service's: the inverse of the service's over the floor's.
  const cpu = (rounds: LoadResult[]) => rounds.map((r) => r.serverCpu?.mainUsPerRequest);
  const floorCpu = cpu(c.floor2);
  const serviceCpu = cpu(c.service);
  const cpuKnown = [...floorCpu, ...serviceCpu].every((us) => us !== undefined && us > 0);
  return {
    rounds,
    median: median(rounds),
    framework,
    frameworkMedian: framework.length > 0 ? median(framework) : undefined,
    cpuMedian: cpuKnown
      ? median(bracketedRatios(floorCpu as number[], serviceCpu as number[]).map((ratio) => 1 / ratio))
      : undefined,
  };
}

export type Turn = 'floor 2' | 'floor 3' | 'service';

/** One step of an operation's rounds: a turn's warm-up (not measured), or one of its rounds. */
export interface Step {
  turn: Turn;
  warmUp: boolean;
}

/**
 * Whose turn each step is: a warm-up of each of the three, then floor 2, floor 3 and the service,
 * `rounds` times, then floor 2. The service is warmed with the floors: its own cases warmed it
 * minutes earlier, with other operations since, and without a warm-up of its own its first round
 * of create and of get cost 10–30% more CPU per request than its later rounds did (both databases,
 * measured), while the floors, each warmed just before, showed no such first round.
 */
export function pairedSchedule(rounds: number): Step[] {
  const turns: Turn[] = ['floor 2', 'floor 3', 'service'];
  const steps: Step[] = turns.map((turn) => ({ turn, warmUp: true }));
  for (let i = 0; i < rounds; i += 1) steps.push(...turns.map((turn) => ({ turn, warmUp: false })));
  steps.push({ turn: 'floor 2', warmUp: false });
  return steps;
}

/**
 * The alternating rounds of every operation with a floor-ratio target on `kind`, against
 * `service` (running) and floors 2 and 3 started here on the floors' own database, each warmed
 * with the operation before its rounds (see pairedSchedule). Each round lasts half a case (at
 * least 1 s).
 */
export async function runPairedRounds(
  context: BenchContext,
  kind: DbKind,
  service: BenchProcess,
  seed: Seed,
  floorDb: BenchDatabase,
  floorSeed: Seed,
): Promise<PairedCase[]> {
  const operations = Object.keys(RATIO_TARGETS[kind]) as Operation[];
  const roundSec = Math.max(1, Math.round(context.settings.durationSec / 2));
  context.log(
    `== ${kind}: floor ratios in alternating rounds (floor 2, floor 3, the service; ${PAIRED_ROUNDS} rounds of ${roundSec} s each per operation, ${PAIRED_CONNECTIONS} connections)`,
  );
  const floor2 = await startDbFloor(context, floorDb, 2, ', alternating');
  let floor3: BenchProcess | undefined;
  try {
    floor3 = await startDbFloor(context, floorDb, 3, ', alternating');
    const servers: Record<Turn, BenchProcess> = { 'floor 2': floor2, 'floor 3': floor3, service };
    const cases: PairedCase[] = [];
    for (const operation of operations) {
      const floorOperation = MATCHING_FLOOR[operation];
      const floorSpec = { ...requestsFor(floorOperation, floorSeed), headers: apiHeaders(undefined) };
      const specs: Record<Turn, typeof floorSpec> = {
        'floor 2': floorSpec,
        'floor 3': floorSpec,
        service: { ...requestsFor(operation, seed), headers: apiHeaders(seed.token) },
      };
      const paired: PairedCase = {
        operation,
        floorOperation,
        connections: PAIRED_CONNECTIONS,
        floor2: [],
        floor3: [],
        service: [],
      };
      const roundsOf: Record<Turn, LoadResult[]> = {
        'floor 2': paired.floor2,
        'floor 3': paired.floor3,
        service: paired.service,
      };
      for (const { turn, warmUp: warming } of pairedSchedule(PAIRED_ROUNDS)) {
        const server = servers[turn];
        const label = turn === 'service' ? operation : floorOperation;
        if (warming) {
          await warmUp(context, `${turn} ${kind} ${label} (alternating)`, server.url, specs[turn]);
          continue;
        }
        const rounds = roundsOf[turn];
        rounds.push(
          await measure(
            context,
            `${turn} ${kind} ${label} round ${rounds.length + 1}`,
            server.url,
            { ...specs[turn], connections: PAIRED_CONNECTIONS, durationSec: roundSec },
            { server },
          ),
        );
      }
      for (const [turn, server] of Object.entries(servers))
        if (!server.running)
          throw new BenchError(`${turn} stopped during the alternating rounds\n${server.describe()}`);
      const ratios = pairedRatios(paired);
      context.log(
        `  ${kind} ${operation}: x floor 2 by round ${ratios.rounds.map((r) => r.toFixed(2)).join(', ')}: median ${ratios.median.toFixed(2)} (floor 3: ${ratios.frameworkMedian?.toFixed(2) ?? 'n/a'})`,
      );
      cases.push(paired);
    }
    return cases;
  } finally {
    await floor3?.stop();
    await floor2.stop();
  }
}
