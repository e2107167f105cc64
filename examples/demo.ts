/**
 * `npm run demo`: the library's pipeline end to end, in a few seconds, with no Google account.
 *
 * A scraper publishes `Phase2CompletionMessage`s with `publishValidated` (plus malformed messages
 * published raw: bad JSON, missing fields, an impossible date, a negative count) to
 * `mlb-phase2-raw-complete`. A phase-transition handler built with `createMessageHandler` receives them
 * over a streaming-pull subscription and dead-letters the malformed ones. For each valid message a
 * processor queries the date's raw lines through `BigQueryExecutor` (parameterised), resolves the
 * players through `PlayerRegistryReader` (unknown ones go to its `UnresolvedPlayerTracker`) and
 * streams analytics rows with deterministic insert ids; at the end the tracker flushes
 * `mlb_reference.unresolved_players`. Meanwhile a seeded fault plan injects BigQuery 503s, 403
 * rateLimitExceeded, connection resets (before and after the request is applied), a failed job
 * (jobBackendError), rows refused as `stopped`, and Pub/Sub UNAVAILABLE on Publish.
 *
 * Then it queries the tables and prints what it counted, and on the stand-ins runs the monitor the way
 * Cloud Scheduler would, twice, as two fresh instances in the same window: Cloud Monitoring's count of
 * the dead-letter subscription, the run's own error logs found in Cloud Logging, alerts through an
 * alert manager to a Slack stand-in with rate limits shared through a Cloud Storage stand-in (the first
 * run sends one alert per dead-letter queue, the second sends none), and a dry-run replay. It ends
 * with two lines:
 *
 *     summary: messages=N valid=N invalid=N rows_written=N duplicates=0 lost=0 retries=N faults_injected=N
 *     monitor: dlq_messages=N logging_errors=N alerts_sent=N alerts_suppressed=N replayable=N
 *
 * It exits 0 only when duplicates=0, lost=0, every message was processed or dead-lettered, the
 * monitor counted every dead letter (dlq_messages equals the messages the run dead-lettered), each of
 * its alerts reached Slack once, and the second run held every alert back.
 *
 * Usage:
 *
 *     npm run demo                          # embedded BigQuery and Pub/Sub stand-ins, seed 1
 *     npm run demo -- --seed 42             # another fault sequence
 *     npm run demo -- --writer insert-all   # analytics rows through insertAll (default: Storage Write, atomic)
 *     npm run demo -- --quiet               # only the final tables and summary lines
 *     npm run demo -- --help                # the options
 *     npm run demo -- --trace               # also print one message's OpenTelemetry trace and a retry table
 *     npm run demo -- --project my-project  # real Google Cloud (see below)
 *
 * SIGTERM or Ctrl-C stops the run after the step in progress: it cleans up as at the end (stand-ins
 * closed; on Google Cloud its datasets, topics and subscriptions deleted unless `--keep`), prints what it
 * had done and exits 143 (SIGTERM) or 130 (Ctrl-C). A second signal exits at once.
 *
 * Against Google Cloud (`--project ID`): the same steps, without a fault plan, using Application
 * Default Credentials (`gcloud auth application-default login`, or a service account on Cloud Run).
 * The identity needs BigQuery Data Editor + Job User and Pub/Sub Editor on the project. The demo creates
 * its own datasets (`gpr_demo_<time>_mlb_raw`, `..._mlb_analytics`, `..._mlb_reference`, location `US`
 * or `--location`), topics and subscriptions (`gpr-demo-<time>-mlb-phase2-raw-complete[-dlq]`), and
 * deletes them at the end unless `--keep` is given (`--prefix P` names them yourself). Costs are a few
 * tiny queries and streaming inserts. Streaming-inserted rows stay in BigQuery's streaming buffer for a
 * while, which is why the datasets are dropped with `DROP SCHEMA ... CASCADE` rather than row by row.
 *
 * @example
 * ```sh
 * npm run demo -- --seed 7
 * ```
 */

import { tolerateClosedPipes } from './closed-pipe.js';
import { demoHelp, parseDemoArgs } from './demo-args.js';

/** The signals that stop the run, and the exit code of each (128 + its number, as a shell reports it). */
const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];
const EXIT_CODES: Record<StopSignal, number> = { SIGTERM: 143, SIGINT: 130 };

async function main(): Promise<number> {
  tolerateClosedPipes();
  let parsed: ReturnType<typeof parseDemoArgs>;
  try {
    parsed = parseDemoArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const { quiet, help, trace, ...options } = parsed;
  if (help) {
    console.log(demoHelp());
    return 0;
  }
  // First of all, so that a signal during the (slow) loading below is handled too.
  const stop = new AbortController();
  let stoppedBy: StopSignal | undefined;
  const onSignal = (signal: StopSignal) => {
    if (stoppedBy !== undefined) process.exit(EXIT_CODES[signal]);
    stoppedBy = signal;
    console.error(`${signal}: stopping after the step in progress (send it again to exit at once)`);
    stop.abort();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  // Loaded only now, so that --help and a mistyped argument answer without loading the pipeline.
  const tracing = trace ? (await import('./demo-trace.js')).startDemoTracing() : undefined;
  const { DemoInterrupted, runDemoPipeline } = await import('./demo-pipeline.js');
  const { formatReport } = await import('./demo-report.js');
  // On the stand-ins nothing may probe the GCE metadata server; on Google Cloud ADC may need it.
  if (options.projectId === undefined) process.env.METADATA_SERVER_DETECTION ??= 'none';
  const where = options.projectId ? `Google Cloud project ${options.projectId}` : 'embedded stand-ins';
  if (!quiet) {
    console.log(
      `gcp-pipeline-resilience demo on ${where}, seed ${options.seed ?? 1}, writer ${options.writer ?? 'storage'}`,
    );
  }
  let summary: Awaited<ReturnType<typeof runDemoPipeline>>;
  try {
    summary = await runDemoPipeline({
      ...options,
      signal: stop.signal,
      ...(quiet ? {} : { log: (line) => console.log(line) }),
    });
  } catch (error) {
    if (!(error instanceof DemoInterrupted) || stoppedBy === undefined) throw error;
    const cleanup =
      options.projectId === undefined
        ? 'stand-ins closed'
        : options.keep
          ? 'datasets, topics and subscriptions kept (--keep)'
          : 'datasets, topics and subscriptions deleted';
    console.error(`demo stopped by ${stoppedBy} before it finished; ${cleanup}. Done:`);
    for (const step of error.done.length > 0 ? error.done : ['nothing yet']) console.error(`  - ${step}`);
    return EXIT_CODES[stoppedBy];
  }
  if (!quiet) console.log(`done in ${(summary.durationMs / 1000).toFixed(1)} s`);
  if (tracing !== undefined) {
    for (const line of tracing.report()) console.log(line);
    await tracing.stop();
  }
  if (!summary.ok) {
    console.error('demo FAILED: duplicates or lost rows, or messages neither processed nor dead-lettered');
  }
  // The summary line, then (on the stand-ins) the monitor line, end the output.
  for (const line of formatReport(summary)) console.log(line);
  return summary.ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    const { failureLines } = await import('./demo-report.js');
    const lines = failureLines(error);
    if (lines === undefined) console.error(error);
    else for (const line of lines) console.error(line);
    process.exitCode = 1;
  },
);
