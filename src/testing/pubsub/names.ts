import { rpcError } from './status.js';

/** Pub/Sub's resource-id rule: 3-255 chars, starts with a letter, not with `goog`. */
const RESOURCE_ID = /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;

export type ResourceKind = 'topics' | 'subscriptions';

export interface ResourceName {
  project: string;
  id: string;
  full: string;
}

/** Parses `projects/{project}/{kind}/{id}`; a malformed name is INVALID_ARGUMENT, as the service answers. */
export function parseResourceName(kind: ResourceKind, name: unknown): ResourceName {
  const text = typeof name === 'string' ? name : '';
  const parts = text.split('/');
  const [p, project, k, id] = parts;
  if (parts.length !== 4 || p !== 'projects' || !project || k !== kind || !id) {
    throw rpcError('INVALID_ARGUMENT', `Invalid resource name given (name=${text})`);
  }
  if (!RESOURCE_ID.test(id) || id.toLowerCase().startsWith('goog')) {
    throw rpcError('INVALID_ARGUMENT', `Invalid resource name given (name=${text})`);
  }
  return { project, id, full: text };
}

/** Accepts a short id (`'orders'`) or a full name and returns the full name in `projectId`. */
export function qualify(kind: ResourceKind, projectId: string, name: string): string {
  return name.startsWith('projects/') ? name : `projects/${projectId}/${kind}/${name}`;
}
