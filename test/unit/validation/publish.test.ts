import { describe, expect, it } from 'vitest';
import {
  MessageValidationError,
  NotFoundError,
  PipelineError,
  ServiceUnavailableError,
} from '../../../src/errors/index.js';
import {
  GradingTriggerMessage,
  Phase2CompletionMessage,
  publishValidated,
} from '../../../src/validation/index.js';
import { grpcError, RecordingTopic } from './fakes.js';

describe('publishValidated', () => {
  it('publishes the parsed message (defaults filled) as UTF-8 JSON', async () => {
    const topic = new RecordingTopic();
    const id = await publishValidated(
      topic,
      Phase2CompletionMessage,
      {
        processor_name: 'BdlGamesProcessor',
        game_date: '2026-01-23',
        record_count: 3,
      },
      { source: 'bdl' },
    );
    expect(id).toBe('1');
    expect(topic.published).toHaveLength(1);
    const [message] = topic.published;
    expect(JSON.parse(message!.data.toString('utf8'))).toEqual({
      processor_name: 'BdlGamesProcessor',
      game_date: '2026-01-23',
      phase: 'phase_2_raw',
      execution_id: null,
      correlation_id: null,
      output_table: null,
      output_dataset: null,
      status: 'success',
      record_count: 3,
      timestamp: null,
    });
    expect(message!.attributes).toEqual({ source: 'bdl' });
  });

  it('publishes nothing when the payload fails validation', async () => {
    const topic = new RecordingTopic();
    await expect(
      publishValidated(topic, Phase2CompletionMessage, { processor_name: 'p', game_date: '2026-02-30' }),
    ).rejects.toBeInstanceOf(MessageValidationError);
    expect(topic.published).toEqual([]);
  });

  it('sends no attributes when none are given, and the ordering key when one is', async () => {
    const topic = new RecordingTopic();
    await publishValidated(topic, GradingTriggerMessage, {}, undefined, { orderingKey: 'nba' });
    expect(topic.published[0]).not.toHaveProperty('attributes');
    expect(topic.published[0]?.orderingKey).toBe('nba');
    expect(JSON.parse(topic.published[0]!.data.toString())).toEqual({
      target_date: 'yesterday',
      sport: 'nba',
      correlation_id: null,
    });
  });

  it('rethrows publish failures as typed errors, keeping the client error as cause', async () => {
    const unavailable = grpcError(14, 'UNAVAILABLE');
    const topic = new RecordingTopic().failWith(unavailable, grpcError(5, 'NOT_FOUND', 'Topic not found'));
    const first = publishValidated(topic, GradingTriggerMessage, {});
    await expect(first).rejects.toBeInstanceOf(ServiceUnavailableError);
    await first.catch((error: PipelineError) => {
      expect(error.transient).toBe(true);
      expect(error.cause).toBe(unavailable);
    });
    await expect(publishValidated(topic, GradingTriggerMessage, {})).rejects.toBeInstanceOf(NotFoundError);
  });

  it('does not retry by itself: one publishMessage call per publishValidated call', async () => {
    const topic = new RecordingTopic().failWith(grpcError(14, 'UNAVAILABLE'));
    await expect(publishValidated(topic, GradingTriggerMessage, {})).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    expect(topic.failures).toHaveLength(0);
    expect(topic.published).toHaveLength(0);
  });

  it('turns a synchronous throw of the topic into a typed error too', async () => {
    const topic = {
      publishMessage(): Promise<string> {
        throw new TypeError('All attributes must be in the form of a string.');
      },
    };
    await expect(publishValidated(topic, GradingTriggerMessage, {})).rejects.toBeInstanceOf(PipelineError);
  });
});
