import { BigQuery } from '@google-cloud/bigquery';
import { describe, expect, it } from 'vitest';
import type { BigQueryClient } from '../../../src/bigquery/client-types.js';
import { decodeRows } from '../../../src/bigquery/rest.js';

describe('decodeRows: fields named __proto__ (the client decoder assigns, which loses them)', () => {
  const client = new BigQuery({ projectId: 'p' }) as unknown as BigQueryClient;

  it('keeps a struct field and a repeated struct field of that name, as own properties', () => {
    const schema = {
      fields: [
        { name: 'id', type: 'INTEGER' },
        {
          name: 's',
          type: 'RECORD',
          fields: [
            { name: '__proto__', type: 'INTEGER' },
            { name: 'b', type: 'STRING' },
          ],
        },
        {
          name: 'list',
          type: 'RECORD',
          mode: 'REPEATED',
          fields: [{ name: '__proto__', type: 'STRING' }],
        },
      ],
    };
    const rows = [
      {
        f: [
          { v: '1' },
          { v: { f: [{ v: '5' }, { v: 'x' }] } },
          { v: [{ v: { f: [{ v: 'a' }] } }, { v: { f: [{ v: 'b' }] } }] },
        ],
      },
    ];
    const [row] = decodeRows(client, { schema, rows } as never, false) as Array<{
      s: object;
      list: object[];
    }>;
    expect(row).toEqual({
      id: 1,
      s: JSON.parse('{"__proto__":5,"b":"x"}'),
      list: [JSON.parse('{"__proto__":"a"}'), JSON.parse('{"__proto__":"b"}')],
    });
    expect(Object.getOwnPropertyDescriptor(row!.s, '__proto__')?.value).toBe(5);
    expect(Object.getOwnPropertyDescriptor(row!.list[1], '__proto__')?.value).toBe('b');
    expect(Object.getPrototypeOf(row!.s)).toBe(Object.prototype);
  });

  it('leaves rows without such a field as the client decodes them', () => {
    const schema = { fields: [{ name: 'x', type: 'INTEGER' }] };
    expect(decodeRows(client, { schema, rows: [{ f: [{ v: '2' }] }] } as never, false)).toEqual([{ x: 2 }]);
  });
});
