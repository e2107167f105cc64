import { describe, expect, it } from 'vitest';
import { formatReplay } from '../../../src/monitoring/cli/format.js';
import { deepStrings } from '../../helpers/deep-strings.js';
import { recordingLogger } from '../../helpers/recording-logger.js';
import { createPipeline, deadLetter, replaySuite } from './helpers.js';

const PROJECT = 'replay-credentials';
const { gcp, replay } = replaySuite(PROJECT);
// A token where an id should be: anyone who can publish to the DLQ topic sets these attributes.
const TOKEN = 'ya29.a0AfB_byC9xQ2mRk7LpZt4VwN8sYd3';

describe('a replay of dead letters whose attributes carry a credential', () => {
  it('republishes them as they were, and shows the credential nowhere: result, log, gpr output', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'creds');
    const attributes = {
      source_message_id: TOKEN,
      source_subscription: 'creds-sub',
      authorization: `Bearer ${TOKEN}`,
    };
    // Two copies of one source message: the second is settled as a duplicate of the first.
    await deadLetter(dlq, [
      { data: 'order-1', reason: 'handler_failed', attributes },
      { data: 'order-1', reason: 'handler_failed', attributes },
    ]);
    const logger = recordingLogger();
    const result = await replay({ from: 'creds-dlq-sub', to: 'creds' }, { logger, shutdown: false });
    expect(result.replayed).toHaveLength(1);
    expect(result.duplicates).toHaveLength(1);
    // The republished message is the message: its attributes are untouched.
    const [out] = gcp.pubsub.published('creds');
    expect(out?.attributes).toMatchObject({ authorization: `Bearer ${TOKEN}` });
    const shown = [
      ...deepStrings(result),
      ...deepStrings(logger.entries),
      ...formatReplay(result),
      JSON.stringify(result),
    ].join('\n');
    expect(shown).not.toContain(TOKEN);
  });
});
