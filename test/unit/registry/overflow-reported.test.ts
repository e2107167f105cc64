import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/errors/index.js';
import { PlayerRegistryReader, UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { MemoryExecutor, recordingLogger } from './memory-executor.js';

describe('a full tracker: the misses it could not record are in the flush result, not only in a log', () => {
  it('the next flush reports them as dropped, with an error the caller cannot mistake for success', async () => {
    const logger = recordingLogger();
    const tracker = new UnresolvedPlayerTracker({
      executor: new MemoryExecutor(),
      sport: 'mlb',
      source: 's',
      env: {},
      maxEntries: 1,
      logger,
      flushOnExit: false,
    });
    tracker.track('loganwebb');
    tracker.track('gerritcole');
    tracker.track('aaronjudge');

    // Before: { flushed: 1, retained: 0 } and a warning line: the two lost misses looked like success.
    const result = await tracker.flush();
    expect(result).toMatchObject({ flushed: 1, retained: 0, dropped: 2 });
    expect(result.error).toBeInstanceOf(PipelineError);
    expect(result.error).toMatchObject({ code: 'UNRESOLVED_PLAYERS_DROPPED', transient: false });
    expect(result.error?.message).toMatch(/full \(maxEntries 1\): 2 misses of new players were not recorded/);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ dropped: 2 }) }),
    );

    // Reported once: the next flush has nothing new to say.
    tracker.track('shoheiohtani');
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
  });

  it("a reader's misses past the bound reach its tracker's flush result the same way", async () => {
    const executor = new MemoryExecutor();
    const tracker = new UnresolvedPlayerTracker({
      executor,
      sport: 'mlb',
      source: 's',
      env: {},
      maxEntries: 2,
      flushOnExit: false,
    });
    const reader = new PlayerRegistryReader({ executor, sport: 'mlb', source: 's', env: {}, tracker });
    await reader.getUniversalIdsBatch(['a1', 'b2', 'c3', 'd4', 'e5']);
    const result = await tracker.flush();
    expect(result).toMatchObject({ flushed: 2, dropped: 3, error: { code: 'UNRESOLVED_PLAYERS_DROPPED' } });
  });

  it('a flush that fails for another reason keeps that error and still counts the dropped misses', async () => {
    const executor = new MemoryExecutor();
    executor.insertPlan.push({ kind: 'reject-rows', indexes: [0] });
    const tracker = new UnresolvedPlayerTracker({
      executor,
      sport: 'mlb',
      source: 's',
      env: {},
      maxEntries: 1,
      flushOnExit: false,
    });
    tracker.track('loganwebb');
    tracker.track('gerritcole');
    const result = await tracker.flush();
    expect(result).toMatchObject({ flushed: 0, retained: 1, dropped: 1 });
    expect(result.error?.code).toBe('PARTIAL_INSERT');
  });
});
