/** Unit tests: request-id validation and the bounds on metric label values. */
import { describe, expect, test } from 'vitest';
import { GatewayMetrics, OperationNameLabels } from '../../src/gateway/observability/metrics.js';
import { callerRequestId, requestIdFrom } from '../../src/observability/request-id.js';
import { WorkDocsLocalMetrics } from '../../src/workdocs-local/control/metrics.js';
import { changed, parseMetrics, sample } from './helpers.js';

describe('request ids', () => {
  test.each([
    ['0f8fe3c1-5b1a-4a57-9d0d-9f1b8b2e9a11', true],
    ['01HZX3K5Q7M8N9P0R1S2T3V4W5', true],
    ['a', true],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['', false],
    ['has space', false],
    ['new\nline', false],
    ['quote"', false],
    ['ünïcode', false],
  ])('%j valid: %s', (value, valid) => {
    expect(callerRequestId(value)).toBe(valid ? value : undefined);
  });

  test('a repeated header is not used; a new id is made', () => {
    expect(callerRequestId(['a', 'b'])).toBeUndefined();
    expect(requestIdFrom(['a', 'b'])).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});

describe('operation name labels', () => {
  test('anonymous → (unnamed); the first N valid names; then (other)', () => {
    const labels = new OperationNameLabels({ maxNames: 2 });
    expect(labels.label(null)).toBe('(unnamed)');
    expect(labels.label(undefined)).toBe('(unnamed)');
    expect(labels.label('A')).toBe('A');
    expect(labels.label('B')).toBe('B');
    expect(labels.label('C')).toBe('(other)');
    expect(labels.label('A')).toBe('A');
    expect(labels.label('x'.repeat(65))).toBe('(other)');
  });

  test('with an allow-list, only its names', () => {
    const labels = new OperationNameLabels({ allowList: ['Upload'], maxNames: 100 });
    expect(labels.label('Upload')).toBe('Upload');
    expect(labels.label('Other')).toBe('(other)');
  });

  test('names that are not GraphQL names never become labels', () => {
    const labels = new OperationNameLabels({ maxNames: 100 });
    expect(labels.label('a"b')).toBe('(other)');
    expect(labels.label('1abc')).toBe('(other)');
  });
});

describe('GatewayMetrics', () => {
  const metrics = (): GatewayMetrics =>
    new GatewayMetrics({
      maxNames: 10,
      knownCodes: new Set(['UPSTREAM_TIMEOUT', 'SERVICE_UNAVAILABLE']),
      knownExceptions: new Set(['EntityNotExistsException']),
      knownUserErrors: new Set(['EntityNotExistsError']),
    });

  test('unknown codes, exceptions, operation types and WorkDocs operations are (other)', async () => {
    const m = metrics();
    const before = parseMetrics(await m.registry.metrics());
    m.observeRequest({
      operationName: 'Q',
      operationType: 'bogus',
      outcome: 'error',
      code: 'MADE_UP',
      seconds: 0.01,
    });
    m.observeRequest({
      operationName: 'Q',
      operationType: 'query',
      outcome: 'user_error',
      code: 'NotAUnionMember',
      seconds: 0.01,
    });
    m.observeCall({
      operation: 'GetDocument',
      failure: { exceptionName: 'ChaosInventedException', code: 'SERVICE_UNAVAILABLE' },
      seconds: 0.01,
      attempts: 3,
    });
    m.observeCall({
      operation: 'not an operation',
      failure: { exceptionName: undefined, code: 'NOT_A_CODE' },
      seconds: 0.01,
      attempts: 1,
    });
    m.observeBudgetRefusal('calls');
    m.observeBudgetRefusal('Some"Thing');
    const after = parseMetrics(await m.registry.metrics());
    expect(changed(before, after, 'graphql_requests_total')).toEqual({
      [sample('graphql_requests_total', {
        operation_name: 'Q',
        operation_type: '(none)',
        outcome: 'error',
        code: '(other)',
      })]: 1,
      [sample('graphql_requests_total', {
        operation_name: 'Q',
        operation_type: 'query',
        outcome: 'user_error',
        code: '(other)',
      })]: 1,
    });
    expect(changed(before, after, 'workdocs_calls_total')).toEqual({
      [sample('workdocs_calls_total', {
        operation: 'GetDocument',
        outcome: 'SERVICE_UNAVAILABLE',
      })]: 1,
      [sample('workdocs_calls_total', { operation: '(other)', outcome: '(other)' })]: 1,
    });
    expect(changed(before, after, 'workdocs_call_retries_total')).toEqual({
      [sample('workdocs_call_retries_total', { operation: 'GetDocument' })]: 2,
    });
    expect(changed(before, after, 'workdocs_budget_refusals_total')).toEqual({
      [sample('workdocs_budget_refusals_total', { budget: 'calls' })]: 1,
      [sample('workdocs_budget_refusals_total', { budget: '(other)' })]: 1,
    });
  });
});

describe('WorkDocsLocalMetrics labels', () => {
  test('operations of the model, the fixed values, else (unknown)', () => {
    expect(WorkDocsLocalMetrics.label('GetDocument')).toBe('GetDocument');
    expect(WorkDocsLocalMetrics.label('(upload)')).toBe('(upload)');
    expect(WorkDocsLocalMetrics.label('DropTables')).toBe('(unknown)');
    expect(WorkDocsLocalMetrics.label('__proto__')).toBe('(unknown)');
  });
});
