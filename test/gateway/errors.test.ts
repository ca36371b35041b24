/**
 * Unit tests of THE error table (src/gateway/errors.ts) against the WorkDocs model and the schema,
 * and of its two helpers.
 */
import { GraphQLError } from 'graphql';
import { describe, expect, test } from 'vitest';
import { loadTypeDefs } from '../../src/gateway/server.js';
import {
  ERROR_ROWS_BY_CODE,
  GATEWAY_CODES,
  GatewayError,
  InvalidArgumentError,
  toGraphQLError,
  toUserErrorResult,
  typenameOfCode,
  WORKDOCS_EXCEPTIONS,
} from '../../src/gateway/errors.js';
import { buildASTSchema, isObjectType, isUnionType, parse, type GraphQLSchema } from 'graphql';
import { exceptionsOf, httpStatusOf, workdocsModel } from '../helpers/model.js';

const modelExceptions = Object.keys(workdocsModel.shapes).filter((k) => k.endsWith('Exception'));

function schema(): GraphQLSchema {
  // The federation directives are not needed to inspect types; drop the @link extension and @key.
  const sdl = loadTypeDefs()
    .replace(/extend schema[\s\S]*?\]\)/, '')
    .replace(/@key\(fields: "id"\)/g, '')
    .replace(/@shareable/g, '');
  return buildASTSchema(parse(sdl), { assumeValidSDL: true });
}

const upperSnake = (name: string): string =>
  name
    .replace(/Exception$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase();

describe('the error table', () => {
  test('has one row per exception of the model (all 25), and no other', () => {
    expect(modelExceptions).toHaveLength(25);
    expect(Object.keys(WORKDOCS_EXCEPTIONS).sort()).toEqual([...modelExceptions].sort());
  });

  test("each row's code is named after its exception and its status is the model's", () => {
    for (const name of modelExceptions) {
      const row = WORKDOCS_EXCEPTIONS[name as keyof typeof WORKDOCS_EXCEPTIONS];
      expect(row.code, name).toBe(upperSnake(name));
      expect(row.httpStatus, name).toBe(httpStatusOf(name));
    }
  });

  test('codes are unique, and the ErrorCode enum of the schema has exactly these values', () => {
    const codes = [...Object.values(WORKDOCS_EXCEPTIONS), ...Object.values(GATEWAY_CODES)].map(
      (r) => r.code,
    );
    expect(new Set(codes).size).toBe(codes.length);
    expect(ERROR_ROWS_BY_CODE.size).toBe(codes.length);
    const enumType = schema().getType('ErrorCode');
    const values =
      enumType && 'getValues' in enumType ? enumType.getValues().map((v) => v.name) : [];
    expect([...values].sort()).toEqual([...codes].sort());
    expect(Object.keys(GATEWAY_CODES).sort()).toEqual([
      'BAD_USER_INPUT',
      'INTERNAL_SERVER_ERROR',
      'REQUEST_BUDGET_EXCEEDED',
      'REQUEST_CANCELLED',
      'REQUEST_TIMEOUT',
      'THROTTLED',
      'UNAUTHENTICATED',
      'UPSTREAM_TIMEOUT',
      'UPSTREAM_UNREACHABLE',
    ]);
  });

  test('every data-channel row has a UserError type in the schema, and every UserError type a row', () => {
    const s = schema();
    const userError = s.getType('UserError');
    const implementers = Object.values(s.getTypeMap())
      .filter(isObjectType)
      .filter((t) => t.getInterfaces().some((i) => i === userError))
      .map((t) => t.name)
      .sort();
    const dataRows = Object.values(WORKDOCS_EXCEPTIONS)
      .filter((r) => r.channel === 'data')
      .map((r) => typenameOfCode(r.code))
      .sort();
    expect(dataRows).toEqual(implementers);
  });

  test.each([
    ['InitiateDocumentVersionUploadResult', ['InitiateDocumentVersionUpload']],
    ['CompleteDocumentVersionUploadResult', ['UpdateDocumentVersion', 'GetDocument']],
    ['AbortDocumentVersionUploadResult', ['AbortDocumentVersionUpload']],
  ])('%s has a member for every data-channel exception of %j', (unionName, operations) => {
    const union = schema().getType(unionName);
    if (!isUnionType(union)) throw new Error(`${unionName} is not a union`);
    const members = union.getTypes().map((t) => t.name);
    // InvalidArgumentError is always a member: the gateway's own validation returns it.
    const expected = new Set<string>(['InvalidArgumentError']);
    for (const op of operations) {
      for (const shape of exceptionsOf(op)) {
        const row = WORKDOCS_EXCEPTIONS[shape as keyof typeof WORKDOCS_EXCEPTIONS];
        if (row.channel === 'data') expected.add(typenameOfCode(row.code));
      }
    }
    expect(members.filter((m) => !m.endsWith('Payload')).sort()).toEqual([...expected].sort());
  });

  test('the 14 exceptions of InitiateDocumentVersionUpload: 9 as data, 5 as errors', () => {
    const errors = exceptionsOf('InitiateDocumentVersionUpload');
    expect(errors).toHaveLength(14);
    const rows = errors.map(
      (shape) => WORKDOCS_EXCEPTIONS[shape as keyof typeof WORKDOCS_EXCEPTIONS],
    );
    expect(rows.filter((r) => r.channel === 'data')).toHaveLength(9);
    expect(
      rows
        .filter((r) => r.channel === 'error')
        .map((r) => r.code)
        .sort(),
    ).toEqual([
      'FAILED_DEPENDENCY',
      'INVALID_PASSWORD',
      'SERVICE_UNAVAILABLE',
      'UNAUTHORIZED_OPERATION',
      'UNAUTHORIZED_RESOURCE_ACCESS',
    ]);
  });
});

describe('toGraphQLError', () => {
  test('carries code, requestId, httpStatus and retryable', () => {
    const e = toGraphQLError(
      new GatewayError({ code: 'SERVICE_UNAVAILABLE', message: 'down', requestId: 'r-1' }),
    );
    expect(e).toBeInstanceOf(GraphQLError);
    expect(e.message).toBe('down');
    expect(e.extensions).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      requestId: 'r-1',
      httpStatus: 503,
      retryable: true,
    });
  });

  test('adds entityIds and field when known', () => {
    expect(
      toGraphQLError(
        new GatewayError({ code: 'ENTITY_NOT_EXISTS', message: 'gone', entityIds: ['a', 'b'] }),
      ).extensions,
    ).toMatchObject({ code: 'ENTITY_NOT_EXISTS', entityIds: ['a', 'b'], httpStatus: 404 });
    expect(toGraphQLError(new InvalidArgumentError('id', 'bad')).extensions).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'id',
      httpStatus: 400,
      retryable: false,
    });
  });

  test('an unknown error becomes INTERNAL_SERVER_ERROR', () => {
    expect(toGraphQLError(new TypeError('boom')).extensions).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
      requestId: null,
      httpStatus: 500,
      retryable: false,
    });
  });
});

describe('toUserErrorResult', () => {
  test('returns the union member of a data-channel error', () => {
    const err = new GatewayError({
      code: 'ENTITY_NOT_EXISTS',
      message: 'no such folder',
      requestId: 'r-2',
      entityIds: ['f'],
    });
    expect(toUserErrorResult(err, ['EntityNotExistsError', 'InvalidArgumentError'])).toMatchObject({
      __typename: 'EntityNotExistsError',
      code: 'ENTITY_NOT_EXISTS',
      message: 'no such folder',
      requestId: 'r-2',
      entityIds: ['f'],
    });
    expect(
      toUserErrorResult(new InvalidArgumentError('input.name', 'bad'), ['InvalidArgumentError']),
    ).toMatchObject({ __typename: 'InvalidArgumentError', field: 'input.name', requestId: null });
  });

  test('throws the GraphQLError when the union lacks the member or the row is an error', () => {
    const err = new GatewayError({ code: 'DRAFT_UPLOAD_OUT_OF_SYNC', message: 'x' });
    expect(() => toUserErrorResult(err, ['EntityNotExistsError'])).toThrow(GraphQLError);
    try {
      toUserErrorResult(new GatewayError({ code: 'UNAUTHORIZED_OPERATION', message: 'no' }), [
        'EntityNotExistsError',
      ]);
      expect.unreachable();
    } catch (e) {
      expect((e as GraphQLError).extensions.code).toBe('UNAUTHORIZED_OPERATION');
      expect((e as GraphQLError).extensions.httpStatus).toBe(403);
    }
  });
});
