/**
 * WorkDocs Local works with another AWS SDK, unchanged: boto3 (botocore, the AWS CLI's engine)
 * runs the whole upload flow and the typed error paths against it. The Python script
 * (boto3_flow.py) runs under Debian's /usr/bin/python3 with python3-boto3 and prints a JSON
 * summary; each step is asserted on its own below, so a failure names the step that broke.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkDocsLocal } from '../../src/workdocs-local/index.js';
import type { WorkDocsLocal } from '../../src/workdocs-local/index.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./boto3_flow.py', import.meta.url));

const probe = spawnSync(PYTHON, ['-c', 'import boto3'], { encoding: 'utf8' });
const haveBoto3 = probe.status === 0;
const inCi = process.env.CI === 'true';
const MISSING = `${PYTHON} with boto3 is not available (${
  probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? 'import failed'
}); install Debian's python3-boto3 (apt-get install python3-boto3)`;

interface Step {
  ok: boolean;
  [key: string]: unknown;
}
interface Summary {
  versions: { boto3: string; botocore: string; python: string };
  steps: Record<string, Step | undefined>;
}

function runFlow(local: WorkDocsLocal): Promise<Summary> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: os.tmpdir(),
    // Hermetic: no shared AWS config, credentials or proxies can change what boto3 does.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    NO_PROXY: '*',
    PYTHONDONTWRITEBYTECODE: '1',
    WDL_ENDPOINT: local.endpoint,
    WDL_REGION: local.region,
    WDL_ACCESS_KEY_ID: local.accessKeyId,
    WDL_SECRET_ACCESS_KEY: local.secretAccessKey,
    WDL_TOKEN: local.demoToken,
    WDL_USER_ID: local.demoUserId,
    WDL_ROOT_FOLDER_ID: local.demoRootFolderId,
  };
  // Asynchronous on purpose: the server runs in this process and must keep answering.
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      [SCRIPT],
      { env, timeout: 120_000, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`${SCRIPT} failed: ${err.message}\nstderr:\n${stderr}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout) as Summary);
        } catch {
          reject(new Error(`${SCRIPT} printed no JSON:\n${stdout}\nstderr:\n${stderr}`));
        }
      },
    );
  });
}

if (!haveBoto3) {
  describe('boto3 compatibility', () => {
    if (inCi) {
      it('needs python3-boto3 (.ci/run must install python3-boto3)', () => {
        expect.fail(`${MISSING}. .ci/run must install python3-boto3 before npm test.`);
      });
    } else {
      it.skip(`skipped: ${MISSING}`, () => undefined);
    }
  });
} else {
  describe('boto3 compatibility (unchanged boto3 client against WorkDocs Local)', () => {
    let local: WorkDocsLocal;
    let dataDir: string;
    let summary: Summary;
    let startedMs: number;
    let finishedMs: number;

    beforeAll(async () => {
      startedMs = Date.now();
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'wdl-boto3-'));
      local = await startWorkDocsLocal({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        chaos: true,
        logger: pino({ level: 'silent' }),
        checkResponses: true,
      });
      summary = await runFlow(local);
      finishedMs = Date.now();
    }, 150_000);

    afterAll(async () => {
      await local.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    /** The step's observations; fails with everything the script saw if the step did not pass. */
    function step(name: string): Step {
      const s = summary.steps[name];
      expect(s, `step ${name} did not run`).toBeDefined();
      expect(s?.ok, `step ${name} failed: ${JSON.stringify(s, null, 2)}`).toBe(true);
      return s as Step;
    }

    it('reports the boto3 and botocore versions it ran with', () => {
      expect(summary.versions.boto3).toMatch(/^\d+\.\d+\.\d+/);
      expect(summary.versions.botocore).toMatch(/^\d+\.\d+\.\d+/);
    });

    it('get_current_user with the demo token returns the demo user', () => {
      const s = step('get_current_user');
      expect(s.userId).toBe(local.demoUserId);
      expect(s.rootFolderId).toBe(local.demoRootFolderId);
    });

    it('describe_root_folders lists the demo root folder', () => {
      expect(step('describe_root_folders').containsRoot).toBe(true);
    });

    it('create_folder creates a folder under the root', () => {
      const s = step('create_folder');
      expect(s.parentFolderId).toBe(local.demoRootFolderId);
      expect(s.httpStatus).toBe(201);
    });

    it('initiate_document_version_upload returns an upload URL and signed headers', () => {
      const s = step('initiate_document_version_upload');
      expect(s.versionStatus).toBe('INITIALIZED');
      expect(s.httpStatus).toBe(201);
      expect(s.signedHeaderNames).toContain('Content-Type');
    });

    it('the bytes PUT to UploadUrl with the SignedHeaders (urllib) are accepted', () => {
      expect(step('put_bytes').status).toBe(200);
    });

    it('update_document_version ACTIVE activates the version', () => {
      expect(step('update_document_version_active').httpStatus).toBe(200);
    });

    it('get_document shows the active version with its size and content timestamp', () => {
      const s = step('get_document');
      expect(s.status).toBe('ACTIVE');
      expect(s.size).toBe(s.expectedSize);
      expect(s.name).toBe(s.expectedName);
      expect(s.name).toBe('h\u00e9llo w\u00f6rld \u{1F4C4}.txt');
      expect(s.contentType).toBe('text/plain');
      expect(s.contentCreatedIso).toBe('2024-01-02T03:04:05+00:00');
    });

    it('get_document_version Fields=SOURCE gives a URL whose bytes have the same sha256', () => {
      const s = step('get_document_version_source');
      expect(s.sha256Matches).toBe(true);
      expect(s.sourceKeys).toContain('ORIGINAL');
    });

    it('the describe_folder_contents paginator follows Marker one item per page', () => {
      const s = step('describe_folder_contents_paginated');
      expect(s.names).toEqual(s.expected);
      expect(s.names).toHaveLength(3);
      expect(s.nonEmptyPages).toBe(3);
      expect(s.markersFollowed).toBeGreaterThanOrEqual(2);
    });

    it('describe_users with UserIds returns that user', () => {
      expect(step('describe_users').userIds).toEqual([local.demoUserId]);
    });

    it('abort_document_version_upload removes a second draft and keeps the active version', () => {
      const s = step('abort_second_draft');
      expect(s.abortHttpStatus).toBe(204);
      expect(s.latestIsFirstVersion).toBe(true);
      expect(s.abortedVersionGone).toBe(true);
    });

    it('a second version uploads, activates and the describe_document_versions paginator lists both', () => {
      const s = step('second_version_and_versions_paginator');
      expect(s.listsBothVersions).toBe(true);
      expect(s.pages).toBeGreaterThanOrEqual(2);
      expect(s.latestIsNewVersion).toBe(true);
      expect(s.latestSize).toBe(s.expectedSize);
    });

    it('update_document renames (PATCH), get_document_path shows it, delete_folder answers 204', () => {
      const s = step('rename_path_delete');
      expect(s.updateHttpStatus).toBe(200);
      expect(s.deleteHttpStatus).toBe(204);
      expect(s.names).toEqual(s.expected);
      expect((s.pathNames as unknown[]).slice(-2)).toEqual(s.expectedPathTail);
    });

    it('delete_document_version, restore_document_versions: versions leave and come back (204)', () => {
      const s = step('delete_and_restore_versions');
      expect(s.deleteHttpStatus).toBe(204);
      expect(s.restoreHttpStatus).toBe(204);
      expect(s.afterDelete).toBe(true);
      expect(s.latestAfterDeleteIsFirst).toBe(true);
      expect(s.onlyVersionError).toEqual({ class: 'InvalidOperationException', httpStatus: 405 });
      expect(s.afterRestore).toBe(true);
      expect(s.latestAfterRestoreIsSecond).toBe(true);
      expect(s.afterDeletePrior).toBe(true);
      expect(s.finalVersions).toBe(true);
    });

    it("get_resources lists what was shared with a user; another user's collection is refused", () => {
      const s = step('get_resources_shared_with_me');
      expect(s.documentsBefore).toBe(0);
      expect(s.sharedDocumentListed).toBe(true);
      expect(s.folders).toBe(0);
      expect(s.latestName).toBe('renamed by boto3 \u00e0 + & = %.txt');
      expect(s.ownCollectionEmpty).toBe(true);
      expect(s.otherUserRefusedStatus).toBe(403);
    });

    it('delete_folder_contents empties a folder and keeps it (204); create_folder without Name', () => {
      const s = step('delete_folder_contents');
      expect(s.httpStatus).toBe(204);
      expect(s.empty).toBe(true);
      expect(s.folderKept).toBe(true);
      expect(s.subfolderGone).toBe(true);
    });

    it('labels and custom metadata round-trip, lists in the query string included', () => {
      const s = step('labels_and_custom_metadata');
      expect(s.labels).toEqual(['boto3']);
      expect(s.customMetadata).toEqual({ project: 'apollo' });
    });

    it('a missing document raises client.exceptions.EntityNotExistsException with EntityIds', () => {
      const s = step('error_entity_not_exists');
      expect(s.class).toBe('EntityNotExistsException');
      expect(s.httpStatus).toBe(404);
      expect(s.entityIds).toEqual([s.missingId]);
    });

    it('an injected StorageLimitExceededException arrives as its boto3 class, once', () => {
      const s = step('error_injected_storage_limit');
      expect(s.class).toBe('StorageLimitExceededException');
      expect(s.code).toBe('StorageLimitExceededException');
      expect(s.httpStatus).toBe(409);
      expect(s.nextCallSucceeded).toBe(true);
    });

    it('a wrong secret key is refused with InvalidSignatureException (403)', () => {
      const s = step('error_wrong_secret_key');
      expect(s.class).toBe('ClientError');
      expect(s.code).toBe('InvalidSignatureException');
      expect(s.httpStatus).toBe(403);
    });

    it('timestamps are parsed as timezone-aware datetimes with the right instant', () => {
      const s = step('timestamps_are_datetimes');
      const seen = s.timestamps as { where: string; epochMs: number }[];
      expect(seen.map((t) => t.where)).toEqual([
        'User.CreatedTimestamp',
        'FolderMetadata.CreatedTimestamp',
        'DocumentMetadata.CreatedTimestamp',
        'DocumentMetadata.ModifiedTimestamp',
        'DocumentVersionMetadata.ContentCreatedTimestamp',
      ]);
      // Created during this test (seconds vs milliseconds mix-ups land in 1970 or year 50000).
      for (const t of seen.slice(0, 4)) {
        expect(t.epochMs, t.where).toBeGreaterThanOrEqual(startedMs - 1000);
        expect(t.epochMs, t.where).toBeLessThanOrEqual(finishedMs + 1000);
      }
      // The ContentCreatedTimestamp the script sent round-trips to the same instant.
      expect(seen[4]?.epochMs).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    });
  });
}
