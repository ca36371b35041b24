/**
 * What the benchmark's fixed-response WorkDocs backend answers, and the requests the servers under
 * test are sent. Shared by bench/backend.ts (the answers), bench/baseline.ts (the hand-written
 * servers) and bench/run.ts (the GraphQL operations), so every contender gets the same data.
 */

/** Documents in the benchmark folder listing and in the `_entities` request. */
export const PAGE_SIZE = 50;
/** Distinct creators of those documents (so DescribeUsers is asked for several ids at once). */
export const CREATORS = 5;

export const FOLDER_ID = 'f'.repeat(64);
export const TOKEN = 'bench-token-0000000000000000';

const T = 1_767_225_600; // 2026-01-01T00:00:00Z, epoch seconds as WorkDocs sends them

export const userId = (i: number): string => `user-${String(i % CREATORS).padStart(4, '0')}`;
export const documentId = (i: number): string => `doc-${String(i).padStart(60, '0')}`;

export function documentMetadata(i: number): Record<string, unknown> {
  const id = documentId(i);
  return {
    Id: id,
    CreatorId: userId(i),
    ParentFolderId: FOLDER_ID,
    CreatedTimestamp: T,
    ModifiedTimestamp: T,
    ResourceState: 'ACTIVE',
    Labels: [],
    LatestVersionMetadata: {
      Id: `ver-${id}`,
      Name: `file-${String(i)}.txt`,
      ContentType: 'text/plain',
      Size: 1024 + i,
      Signature: 'd41d8cd98f00b204e9800998ecf8427e',
      Status: 'ACTIVE',
      CreatedTimestamp: T,
      ModifiedTimestamp: T,
      ContentCreatedTimestamp: T,
      ContentModifiedTimestamp: T,
      CreatorId: userId(i),
    },
  };
}

export function user(i: number): Record<string, unknown> {
  const id = userId(i);
  return {
    Id: id,
    Username: `${id}-name`,
    EmailAddress: `${id}@example.com`,
    GivenName: 'Bench',
    Surname: `User ${String(i)}`,
    OrganizationId: 'd-0000000000',
    RootFolderId: FOLDER_ID,
    RecycleBinFolderId: 'r'.repeat(64),
    Status: 'ACTIVE',
    Type: 'USER',
    CreatedTimestamp: T,
    ModifiedTimestamp: T,
    Locale: 'en',
    TimeZoneId: 'UTC',
    Storage: { StorageUtilizedInBytes: 0, StorageRule: { StorageType: 'UNLIMITED' } },
  };
}

export const INITIATE_RESPONSE = JSON.stringify({
  Metadata: { ...documentMetadata(0), LatestVersionMetadata: { Status: 'INITIALIZED' } },
  UploadMetadata: {
    UploadUrl: 'http://127.0.0.1:9/upload/doc/ver?X-Amz-Signature=0000',
    SignedHeaders: { 'Content-Type': 'text/plain', 'x-amz-server-side-encryption': 'AES256' },
  },
});

export const FOLDER_RESPONSE = JSON.stringify({
  Metadata: {
    Id: FOLDER_ID,
    Name: 'bench',
    CreatorId: userId(0),
    ParentFolderId: 'p'.repeat(64),
    CreatedTimestamp: T,
    ModifiedTimestamp: T,
    ResourceState: 'ACTIVE',
    Signature: 'sig',
    Labels: [],
    Size: 0,
    LatestVersionSize: 0,
  },
});

export const FOLDER_CONTENTS_RESPONSE = JSON.stringify({
  Folders: [],
  Documents: Array.from({ length: PAGE_SIZE }, (_, i) => documentMetadata(i)),
});

/** GetDocument of `doc-…<i>` → its metadata; the backend computes i from the path. */
export const documentResponse = (i: number): string =>
  JSON.stringify({ Metadata: documentMetadata(i) });

export const usersResponse = (ids: readonly string[]): string =>
  JSON.stringify({
    Users: ids.map((id) => user(Number(id.slice('user-'.length)))),
    TotalNumberOfUsers: ids.length,
  });

/** The GraphQL mutation of the throughput runs (the README's example). */
export const INITIATE_MUTATION = `mutation Initiate($input: InitiateDocumentVersionUploadInput!) {
  initiateDocumentVersionUpload(input: $input) {
    __typename
    ... on InitiateDocumentVersionUploadPayload {
      metadata { id latestVersionMetadata { id status } }
      uploadMetadata { uploadUrl signedHeaders { name value } }
    }
    ... on UserError { code message }
  }
}`;

export const INITIATE_VARIABLES = {
  input: {
    name: 'hello.txt',
    contentType: 'text/plain',
    documentSizeInBytes: 12,
    parentFolderId: FOLDER_ID,
  },
};

/** A folder's first page with the creators (DescribeFolderContents + DescribeUsers). */
export const FOLDER_CONTENTS_QUERY = `query Contents($id: ID!) {
  folder(id: $id) {
    contents(first: ${String(PAGE_SIZE)}) {
      edges { node { ... on DocumentMetadata { id latestVersionMetadata { name size } creator { id username } } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

/** `_entities` for 50 documents with their creators (GetDocument × 50 + DescribeUsers). */
export const ENTITIES_QUERY = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on DocumentMetadata { id latestVersionMetadata { name size } creator { id username } }
  }
}`;

export const ENTITIES_VARIABLES = {
  representations: Array.from({ length: PAGE_SIZE }, (_, i) => ({
    __typename: 'DocumentMetadata',
    id: documentId(i),
  })),
};
