// What a workflow handler is given (the folder, its settings and backend, the open documents) and how it
// fails (WorkflowError, errorData). Its own module so the handlers' files and the service that dispatches
// to them both depend on it, and not on each other.
import { BackendError } from '../backend/backend';
import type { SelectedBackend } from '../backend/createBackend';
import type { ActorRefusal } from '../protocol';
import type { WorkflowSettings } from './workspaceSettings';

export interface WorkflowEnvironment {
  /** The workspace folder the request acts on (its local store, keys and settings). */
  folder: string;
  settings: WorkflowSettings;
  backend: SelectedBackend;
  /** The text of an open document, when the URI is open in the editor. */
  openText(uri: string): string | undefined;
}

export class WorkflowError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    /** A refusal for the actor of a guarded mutation, explained (workflows/actorAuth.ts). */
    readonly actor?: ActorRefusal,
  ) {
    super(detail);
  }
}

/** Status and detail of any failure, for the client (token-free: backends never put it in messages). */
export function errorData(e: unknown): { status: number; detail: string; actor?: ActorRefusal } {
  if (e instanceof WorkflowError) return { status: e.status, detail: e.detail, ...(e.actor ? { actor: e.actor } : {}) };
  if (e instanceof BackendError) return { status: e.status, detail: e.detail };
  const err = e as { status?: unknown; detail?: unknown; message?: string };
  if (typeof err?.status === 'number' && typeof err.detail === 'string') return { status: err.status, detail: err.detail };
  return { status: 500, detail: err?.message ?? String(e) };
}
