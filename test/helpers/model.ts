/**
 * The WorkDocs wire model (the committed copy runtime code uses), for tests that walk its
 * operations and exceptions.
 */
import { readFileSync } from 'node:fs';

export interface WorkDocsModel {
  operations: Record<string, { errors?: { shape: string }[] }>;
  shapes: Record<string, { error?: { httpStatusCode?: number } }>;
}

export const workdocsModel = JSON.parse(
  readFileSync(
    new URL('../../src/workdocs-local/model/workdocs-2016-05-01.json', import.meta.url),
    'utf8',
  ),
) as WorkDocsModel;

/** The exception shapes the model lists for `operation`, in model order. */
export function exceptionsOf(operation: string): string[] {
  return (workdocsModel.operations[operation]?.errors ?? []).map((e) => e.shape);
}

/** The HTTP status the model gives an exception shape. */
export function httpStatusOf(exception: string): number | undefined {
  return workdocsModel.shapes[exception]?.error?.httpStatusCode;
}
