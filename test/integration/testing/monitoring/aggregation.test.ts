import type { MetricServiceClient } from '@google-cloud/monitoring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MonitoringStandIn,
  type PubSubMetricsSource,
  startMonitoringStandIn,
} from '../../../../src/testing/index.js';

const PROJECT = 'aggregation-test';
const TYPE = 'pubsub.googleapis.com/subscription';
const DEAD = `metric.type = "${TYPE}/dead_letter_message_count"`;
const UNDELIVERED = `metric.type = "${TYPE}/num_undelivered_messages"`;

/** The interval every request here reads: the ten minutes before END (whole seconds, in the past). */
const END_S = Math.floor(Date.now() / 1000) - 3600;
const START_S = END_S - 600;
const interval = { startTime: { seconds: START_S }, endTime: { seconds: END_S } };
const at = (secondsBeforeEnd: number) => new Date((END_S - secondsBeforeEnd) * 1000);

/** Three subscriptions of two topics with dead-letter forwards at known times, and fixed backlogs. */
const source: PubSubMetricsSource = {
  subscriptionMetrics: () => [
    {
      name: `projects/${PROJECT}/subscriptions/orders-a`,
      project: PROJECT,
      id: 'orders-a',
      topic: `projects/${PROJECT}/topics/orders`,
      unacked: 4,
      oldestUnackedPublishTime: undefined,
      // 3 in the newest minute, 1 in the one before it, 2 five minutes back, 1 before the interval.
      deadLetteredAt: [at(10), at(20), at(59), at(61), at(250), at(290), at(700)],
    },
    {
      name: `projects/${PROJECT}/subscriptions/orders-b`,
      project: PROJECT,
      id: 'orders-b',
      topic: `projects/${PROJECT}/topics/orders`,
      unacked: 6,
      oldestUnackedPublishTime: undefined,
      deadLetteredAt: [at(30)],
    },
    {
      name: `projects/${PROJECT}/subscriptions/games-a`,
      project: PROJECT,
      id: 'games-a',
      topic: `projects/${PROJECT}/topics/games`,
      unacked: 1,
      oldestUnackedPublishTime: undefined,
      deadLetteredAt: [],
    },
  ],
};

let standIn: MonitoringStandIn;
let client: MetricServiceClient;
beforeAll(async () => {
  standIn = await startMonitoringStandIn({ pubsub: source, projectId: PROJECT });
  client = standIn.client();
});
afterAll(async () => {
  await standIn.close();
});

type Aggregation = NonNullable<Parameters<MetricServiceClient['listTimeSeries']>[0]>['aggregation'];
function list(filter: string, aggregation?: Aggregation, extra: Record<string, unknown> = {}) {
  return client.listTimeSeries({
    name: `projects/${PROJECT}`,
    filter,
    interval,
    ...(aggregation ? { aggregation } : {}),
    ...extra,
  });
}
const bySubscription = <T extends { resource?: { labels?: Record<string, string> | null } | null }>(
  series: T[],
  id: string,
) => series.find((s) => s.resource?.labels?.subscription_id === id);

describe('Monitoring stand-in: ListTimeSeries aligns each series (aggregation.perSeriesAligner)', () => {
  it('ALIGN_DELTA on a DELTA metric: the count within each alignment period, newest first', async () => {
    const [series] = await list(DEAD, { alignmentPeriod: { seconds: 60 }, perSeriesAligner: 'ALIGN_DELTA' });
    const a = bySubscription(series, 'orders-a')!;
    expect(a.metricKind).toBe('DELTA');
    expect(a.valueType).toBe('INT64');
    expect(a.points).toHaveLength(10);
    expect(a.points!.map((p) => Number(p.value?.int64Value))).toEqual([3, 1, 0, 0, 2, 0, 0, 0, 0, 0]);
    // Each point covers its period, ending at the interval's end and every 60 s before it.
    expect(a.points![0]!.interval).toMatchObject({
      startTime: { seconds: String(END_S - 60) },
      endTime: { seconds: String(END_S) },
    });
    expect(a.points![9]!.interval?.endTime?.seconds).toBe(String(END_S - 540));
  });

  it('ALIGN_RATE on a DELTA metric: a GAUGE of DOUBLE values per second', async () => {
    const [series] = await list(DEAD, { alignmentPeriod: { seconds: 300 }, perSeriesAligner: 'ALIGN_RATE' });
    const a = bySubscription(series, 'orders-a')!;
    expect(a.metricKind).toBe('GAUGE');
    expect(a.valueType).toBe('DOUBLE');
    expect(a.points!.map((p) => p.value?.doubleValue)).toEqual([6 / 300, 0]);
  });

  it('ALIGN_SUM over one period as long as the interval gives the interval’s total', async () => {
    const [series] = await list(DEAD, { alignmentPeriod: { seconds: 600 }, perSeriesAligner: 'ALIGN_SUM' });
    expect(bySubscription(series, 'orders-a')!.points!.map((p) => p.value?.int64Value)).toEqual(['6']);
    expect(bySubscription(series, 'orders-b')!.points!.map((p) => p.value?.int64Value)).toEqual(['1']);
  });

  it('ALIGN_MEAN, ALIGN_MAX and ALIGN_COUNT on a GAUGE metric: its one sample, as DOUBLE for the mean', async () => {
    const [mean] = await list(UNDELIVERED, {
      alignmentPeriod: { seconds: 60 },
      perSeriesAligner: 'ALIGN_MEAN',
    });
    const b = bySubscription(mean, 'orders-b')!;
    expect(b).toMatchObject({ metricKind: 'GAUGE', valueType: 'DOUBLE' });
    expect(b.points!.map((p) => p.value?.doubleValue)).toEqual([6]);
    expect(b.points![0]!.interval?.endTime?.seconds).toBe(String(END_S));
    const [max] = await list(UNDELIVERED, {
      alignmentPeriod: { seconds: 60 },
      perSeriesAligner: 'ALIGN_MAX',
    });
    expect(bySubscription(max, 'orders-b')).toMatchObject({
      valueType: 'INT64',
      points: [{ value: { int64Value: '6' } }],
    });
    const [count] = await list(UNDELIVERED, {
      alignmentPeriod: { seconds: 60 },
      perSeriesAligner: 'ALIGN_COUNT',
    });
    expect(bySubscription(count, 'orders-b')!.points!.map((p) => p.value?.int64Value)).toEqual(['1']);
  });
});

describe('Monitoring stand-in: ListTimeSeries reduces across series (crossSeriesReducer, groupByFields)', () => {
  it('REDUCE_SUM grouped by a metadata label: one series per group, with only the grouped labels', async () => {
    const [series] = await list(`${DEAD} AND resource.labels.subscription_id = starts_with("orders")`, {
      alignmentPeriod: { seconds: 600 },
      perSeriesAligner: 'ALIGN_DELTA',
      crossSeriesReducer: 'REDUCE_SUM',
      groupByFields: ['resource.label.project_id'],
    });
    expect(series).toHaveLength(1);
    expect(series[0]!.resource?.labels).toEqual({ project_id: PROJECT });
    expect(series[0]!.resource?.type).toBe('pubsub_subscription');
    expect(series[0]!.points!.map((p) => p.value?.int64Value)).toEqual(['7']);
  });

  it('REDUCE_SUM without groupByFields sums every series into one; REDUCE_MEAN gives a DOUBLE; REDUCE_COUNT counts them', async () => {
    const aggregation = { alignmentPeriod: { seconds: 600 }, perSeriesAligner: 'ALIGN_MAX' as const };
    const [sum] = await list(UNDELIVERED, { ...aggregation, crossSeriesReducer: 'REDUCE_SUM' });
    expect(sum).toHaveLength(1);
    expect(sum[0]!.resource?.labels).toEqual({});
    expect(sum[0]!.points!.map((p) => p.value?.int64Value)).toEqual(['11']);
    const [mean] = await list(UNDELIVERED, { ...aggregation, crossSeriesReducer: 'REDUCE_MEAN' });
    expect(mean[0]).toMatchObject({ valueType: 'DOUBLE', points: [{ value: { doubleValue: 11 / 3 } }] });
    const [count] = await list(UNDELIVERED, { ...aggregation, crossSeriesReducer: 'REDUCE_COUNT' });
    expect(count[0]!.points!.map((p) => p.value?.int64Value)).toEqual(['3']);
  });

  it('groups by subscription_id: as many series as subscriptions', async () => {
    const [series] = await list(UNDELIVERED, {
      alignmentPeriod: { seconds: 60 },
      perSeriesAligner: 'ALIGN_MEAN',
      crossSeriesReducer: 'REDUCE_MAX',
      groupByFields: ['resource.labels.subscription_id'],
    });
    expect(series.map((s) => s.resource?.labels?.subscription_id).sort()).toEqual([
      'games-a',
      'orders-a',
      'orders-b',
    ]);
  });
});

describe('Monitoring stand-in: ListTimeSeries refuses what Cloud Monitoring refuses, or what it does not model', () => {
  it.each<[string, string, Aggregation, RegExp]>([
    ['an aligner without an alignment period', DEAD, { perSeriesAligner: 'ALIGN_DELTA' }, /alignment_period/],
    [
      'an alignment period under 60 s',
      DEAD,
      { alignmentPeriod: { seconds: 30 }, perSeriesAligner: 'ALIGN_DELTA' },
      /alignment_period.*60/,
    ],
    [
      'a reducer without an aligner',
      DEAD,
      { alignmentPeriod: { seconds: 60 }, crossSeriesReducer: 'REDUCE_SUM' },
      /per_series_aligner/,
    ],
    [
      'ALIGN_RATE on a GAUGE metric',
      UNDELIVERED,
      { alignmentPeriod: { seconds: 60 }, perSeriesAligner: 'ALIGN_RATE' },
      /ALIGN_RATE.*GAUGE/,
    ],
    [
      'ALIGN_DELTA on a GAUGE metric',
      UNDELIVERED,
      { alignmentPeriod: { seconds: 60 }, perSeriesAligner: 'ALIGN_DELTA' },
      /ALIGN_DELTA.*GAUGE/,
    ],
    [
      'an aligner the stand-in does not model',
      UNDELIVERED,
      { alignmentPeriod: { seconds: 60 }, perSeriesAligner: 'ALIGN_PERCENTILE_99' },
      /ALIGN_PERCENTILE_99/,
    ],
    [
      'a reducer the stand-in does not model',
      UNDELIVERED,
      {
        alignmentPeriod: { seconds: 60 },
        perSeriesAligner: 'ALIGN_MEAN',
        crossSeriesReducer: 'REDUCE_PERCENTILE_50',
      },
      /REDUCE_PERCENTILE_50/,
    ],
    [
      'a group-by field that is not a label or type',
      UNDELIVERED,
      {
        alignmentPeriod: { seconds: 60 },
        perSeriesAligner: 'ALIGN_MEAN',
        crossSeriesReducer: 'REDUCE_SUM',
        groupByFields: ['subscription_id'],
      },
      /group_by_fields.*subscription_id/,
    ],
  ])('%s: INVALID_ARGUMENT naming it', async (_what, filter, aggregation, message) => {
    await expect(list(filter, aggregation)).rejects.toMatchObject({
      code: 3,
      details: expect.stringMatching(message),
    });
  });

  it('an order_by and a secondary aggregation are refused rather than ignored', async () => {
    await expect(list(DEAD, undefined, { orderBy: 'metric.type' })).rejects.toMatchObject({
      code: 3,
      details: expect.stringMatching(/order_by/),
    });
    await expect(
      list(
        DEAD,
        { alignmentPeriod: { seconds: 60 }, perSeriesAligner: 'ALIGN_DELTA' },
        { secondaryAggregation: { alignmentPeriod: { seconds: 60 }, perSeriesAligner: 'ALIGN_SUM' } },
      ),
    ).rejects.toMatchObject({ code: 3, details: expect.stringMatching(/secondary_aggregation/) });
  });

  it('ALIGN_NONE returns the raw points and ignores the alignment period, as Cloud Monitoring does', async () => {
    const [series] = await list(DEAD, { alignmentPeriod: { seconds: 5 }, perSeriesAligner: 'ALIGN_NONE' });
    expect(bySubscription(series, 'orders-a')!.points!.map((p) => p.value?.int64Value)).toEqual(['6']);
  });
});

describe('Monitoring stand-in: ListTimeSeries pages (pageSize, pageToken)', () => {
  it('a page holds at most pageSize points; the token leads to the rest, and every series comes once', async () => {
    const request = { name: `projects/${PROJECT}`, filter: UNDELIVERED, interval, pageSize: 2 };
    const [first, next] = await client.listTimeSeries(request, { autoPaginate: false });
    expect(first).toHaveLength(2);
    expect(next?.pageToken).toBeTruthy();
    const [second, last] = await client.listTimeSeries(
      { ...request, pageToken: next!.pageToken! },
      { autoPaginate: false },
    );
    expect(second).toHaveLength(1);
    expect(last?.pageToken ?? '').toBe('');
    const ids = [...first, ...second].map((s) => s.resource?.labels?.subscription_id).sort();
    expect(ids).toEqual(['games-a', 'orders-a', 'orders-b']);
    // The client's own auto-paging follows the tokens to the same three.
    const [all] = await client.listTimeSeries(request);
    expect(all).toHaveLength(3);
  });

  it('in FULL view the page size counts points: a series of 10 aligned points fills a page of 10', async () => {
    const [page, next] = await client.listTimeSeries(
      {
        name: `projects/${PROJECT}`,
        filter: DEAD,
        interval,
        aggregation: { alignmentPeriod: { seconds: 60 }, perSeriesAligner: 'ALIGN_DELTA' },
        pageSize: 10,
      },
      { autoPaginate: false },
    );
    expect(page).toHaveLength(1);
    expect(page[0]!.points).toHaveLength(10);
    expect(next?.pageToken).toBeTruthy();
  });

  it('a series with more points than the page size is split: the same series continues on the next page, older points after newer', async () => {
    const request = {
      name: `projects/${PROJECT}`,
      filter: DEAD,
      interval,
      aggregation: { alignmentPeriod: { seconds: 60 }, perSeriesAligner: 'ALIGN_DELTA' as const },
    };
    // Three series of ten points each, unpaged: the reference.
    const [whole] = await client.listTimeSeries(request, { autoPaginate: false });
    expect(whole.map((series) => series.points?.length)).toEqual([10, 10, 10]);

    const pages: (typeof whole)[] = [];
    let pageToken: string | undefined;
    do {
      const [page, next] = await client.listTimeSeries(
        { ...request, pageSize: 4, ...(pageToken ? { pageToken } : {}) },
        { autoPaginate: false },
      );
      pages.push(page);
      pageToken = next?.pageToken || undefined;
    } while (pageToken !== undefined && pages.length < 20);
    // 30 points by 4: seven full pages and a last one of 2, the third page ending one series and
    // starting the next.
    const pointsPerPage = pages.map((page) =>
      page.reduce((n, series) => n + (series.points?.length ?? 0), 0),
    );
    expect(pointsPerPage).toEqual([4, 4, 4, 4, 4, 4, 4, 2]);
    expect(pages[2]!.map((series) => series.points?.length)).toEqual([2, 2]);
    // Put back together in order, the chunks are the unpaged series, points newest first.
    const key = (series: (typeof whole)[number]) => JSON.stringify([series.metric, series.resource]);
    const joined: typeof whole = [];
    for (const chunk of pages.flat()) {
      const last = joined.at(-1);
      if (last && key(last) === key(chunk)) last.points = [...(last.points ?? []), ...(chunk.points ?? [])];
      else joined.push({ ...chunk, points: [...(chunk.points ?? [])] });
    }
    expect(joined).toEqual(whole);
  });

  it('refuses a token it did not issue, one of another request, and a negative page size', async () => {
    const request = { name: `projects/${PROJECT}`, filter: UNDELIVERED, interval, pageSize: 1 };
    await expect(
      client.listTimeSeries({ ...request, pageToken: 'not-a-token' }, { autoPaginate: false }),
    ).rejects.toMatchObject({ code: 3, details: expect.stringMatching(/page_token/) });
    const [, next] = await client.listTimeSeries(request, { autoPaginate: false });
    await expect(
      client.listTimeSeries(
        { ...request, filter: DEAD, pageToken: next!.pageToken! },
        { autoPaginate: false },
      ),
    ).rejects.toMatchObject({ code: 3, details: expect.stringMatching(/page_token/) });
    await expect(
      client.listTimeSeries({ ...request, pageSize: -1 }, { autoPaginate: false }),
    ).rejects.toMatchObject({ code: 3, details: expect.stringMatching(/page_size/) });
  });
});
